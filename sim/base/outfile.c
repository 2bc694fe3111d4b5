#include "sim/base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ss_out_is_stdout(const char *path) { return path && strcmp(path, "-") == 0; }

void ss_stdout_binary(void)
{
#ifdef _WIN32
    _setmode(_fileno(stdout), _O_BINARY);
#endif
}

static int cannot(const char *path, int e, char *err, size_t n)
{
    snprintf(err, n, "cannot write '%s': %s", path, strerror(e));
    return -1;
}

/* What to write to: 1 through the path itself (not a regular file, or a
 * dangling link), 0 by partial file and rename onto o->target. */
static int write_through(ss_outfile *o, const char *path)
{
    snprintf(o->target, sizeof o->target, "%s", path);
#ifdef _WIN32
    struct stat st; /* no symlinks to follow here; NUL, CON and the like are not regular */
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
#else
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0; /* a new file */
    if (S_ISLNK(st.st_mode)) {
        char real[PATH_MAX];
        if (!realpath(path, real) || stat(real, &st) != 0)
            return 1; /* dangling: writing through creates what it names */
        snprintf(o->target, sizeof o->target, "%s", real);
    }
    return !S_ISREG(st.st_mode);
#endif
}

/* A fresh partial file beside the target: never an existing file, never
 * through a link planted under a guessable name. */
static FILE *open_partial(ss_outfile *o)
{
#ifdef _WIN32
    snprintf(o->tmp, sizeof o->tmp, "%s.partial", o->target);
    return fopen(o->tmp, "wb");
#else
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.partial-XXXXXX", o->target) >= sizeof o->tmp) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        return NULL;
    mode_t mask = umask(0); /* mkstemp makes it 0600: give the output the usual 0666 & ~umask */
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask); /* not fatal: the output would only be less readable */
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        errno = e;
    }
    return f;
#endif
}

int ss_out_open(ss_outfile *o, const char *path, char *err, size_t n)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (ss_out_is_stdout(path)) {
        ss_stdout_binary();
        o->f = stdout;
        return 0;
    }
    if (write_through(o, path)) {
        o->f = fopen(o->target, "wb");
        return o->f ? 0 : cannot(path, errno, err, n);
    }
    o->f = open_partial(o);
    if (!o->f) {
        o->tmp[0] = 0;
        return cannot(path, errno, err, n);
    }
    return 0;
}

static int rename_into_place(const char *tmp, const char *target)
{
#ifdef _WIN32
    return MoveFileExA(tmp, target, MOVEFILE_REPLACE_EXISTING) ? 0 : (errno = EACCES, -1);
#else
    return rename(tmp, target);
#endif
}

int ss_out_close(ss_outfile *o, int ok, char *err, size_t n)
{
    int e = 0;
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (o->f == stdout) {
        o->f = NULL;
        if (e) {
            snprintf(err, n, "writing standard output failed: %s", strerror(e));
            return -1;
        }
        return ok ? 0 : -1;
    }
    if (fclose(o->f) != 0 && !e)
        e = errno ? errno : EIO;
    o->f = NULL;
    if (ok && !e && o->tmp[0] && rename_into_place(o->tmp, o->target) != 0)
        e = errno;
    if (ok && e)
        cannot(o->path, e, err, n);
    if ((!ok || e) && o->tmp[0])
        remove(o->tmp);
    return ok && !e ? 0 : -1;
}

int ss_stdout_flush(char *err, size_t n)
{
    errno = 0;
    int flushed = fflush(stdout) == 0;
    if (flushed && !ferror(stdout))
        return 0;
    if (!flushed && errno) /* the reason is known only when the last write is the one that failed */
        snprintf(err, n, "writing standard output failed: %s", strerror(errno));
    else
        snprintf(err, n, "writing standard output failed: some of the output was lost");
    return -1;
}
