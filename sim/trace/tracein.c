#include "sim/trace/tracein.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _WIN32
#include <io.h>
#endif

#define MAX_COPIES 16

static struct copy {
    char *path, *file, *dir;
} copies[MAX_COPIES];
static int ncopies;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

const char *ss_trace_input_name(const char *path) { return strcmp(path, "-") == 0 ? "standard input" : path; }

#ifndef __linux__
static void remove_copies(void)
{
    for (int i = 0; i < ncopies; i++) {
        remove(copies[i].file);
        rmdir(copies[i].dir);
    }
}
#endif

/* a stream: standard input, or a path that is not a regular file or a
 * directory (those the reader opens and judges itself) */
static int is_stream(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 1;
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* the reader says why it cannot open it */
    return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

static int copy_stream(FILE *in, FILE *out, const char *name, char *err, size_t errlen)
{
    static char buf[1 << 16];
    uint64_t total = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0) {
        total += got;
        if (total > SS_TRACE_MAX_STREAM) {
            snprintf(err, errlen, "%s holds more than %llu GiB: save the trace to a file and name that", name,
                     SS_TRACE_MAX_STREAM >> 30);
            return -1;
        }
        if (fwrite(buf, 1, got, out) != got) {
            snprintf(err, errlen, "cannot copy %s to a temporary file: %s", name, strerror(errno));
            return -1;
        }
    }
    if (ferror(in)) {
        snprintf(err, errlen, "cannot read %s: %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* copies the stream into a fresh private directory of $TMPDIR */
static const char *make_copy(const char *path, char *err, size_t errlen)
{
    const char *name = ss_trace_input_name(path), *tmp = getenv("TMPDIR");
#ifdef _WIN32
    if (!tmp || !*tmp)
        tmp = getenv("TEMP");
#endif
    char dir[4096], file[4200];
    snprintf(dir, sizeof dir, "%s/sockscope-in-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot copy %s: no temporary directory (%s; set TMPDIR?)", name, strerror(errno));
        return NULL;
    }
    snprintf(file, sizeof file, "%s/trace.sstrace", dir);
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    FILE *out = fopen(file, "wb");
#ifdef _WIN32
    if (in == stdin)
        _setmode(_fileno(stdin), _O_BINARY);
#endif
    int rc = !in    ? (snprintf(err, errlen, "cannot open trace '%s': %s", name, strerror(errno)), -1)
             : !out ? (snprintf(err, errlen, "cannot copy %s to a temporary file: %s", name, strerror(errno)), -1)
                    : copy_stream(in, out, name, err, errlen);
    if (in && in != stdin)
        fclose(in);
    if (out && fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot copy %s to a temporary file: %s", name, strerror(errno));
        rc = -1;
    }
    struct copy c = {strdup(path), strdup(file), strdup(dir)};
    if (rc != 0 || !c.path || !c.file || !c.dir || ncopies == MAX_COPIES) {
        if (rc == 0)
            snprintf(err, errlen, "cannot copy %s: %s", name,
                     ncopies == MAX_COPIES ? "too many streams in one command" : "out of memory");
        remove(file);
        rmdir(dir);
        free(c.path), free(c.file), free(c.dir);
        return NULL;
    }
#ifdef __linux__
    /* Linux: the copy is unlinked at once and read through a descriptor
     * kept open, so it goes away however the process ends (a SIGPIPE from
     * `| head` too) */
    int fd = open(c.file, O_RDONLY | O_CLOEXEC);
    remove(c.file);
    rmdir(c.dir);
    if (fd < 0) {
        snprintf(err, errlen, "cannot reopen the copy of %s: %s", name, strerror(errno));
        free(c.path), free(c.file), free(c.dir);
        return NULL;
    }
    snprintf(file, sizeof file, "/proc/self/fd/%d", fd);
    free(c.file);
    free(c.dir);
    c.file = strdup(file);
    c.dir = NULL;
    if (!c.file) {
        close(fd);
        free(c.path);
        snprintf(err, errlen, "cannot copy %s: out of memory", name);
        return NULL;
    }
#else
    if (!ncopies)
        atexit(remove_copies);
#endif
    copies[ncopies++] = c;
    return c.file;
}

const char *ss_trace_input(const char *path, char *err, size_t errlen)
{
    if (!is_stream(path))
        return path;
    pthread_mutex_lock(&lock);
    const char *r = NULL;
    for (int i = 0; i < ncopies && !r; i++)
        if (strcmp(copies[i].path, path) == 0)
            r = copies[i].file;
    if (!r)
        r = make_copy(path, err, errlen);
    pthread_mutex_unlock(&lock);
    return r;
}
