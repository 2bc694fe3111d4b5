#include "sim/interpose/spawn.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/base/util.h"

extern char **environ;

/* --- is it dynamically linked? ------------------------------------------ */
/* 1: has PT_INTERP, 0: an ELF file without (static, or static-pie), -1:
 * not ELF */
static int elf_has_interp(int fd)
{
    unsigned char id[EI_NIDENT];
    if (pread(fd, id, sizeof id, 0) != (ssize_t)sizeof id || memcmp(id, ELFMAG, SELFMAG) != 0)
        return -1;
    int is64 = id[EI_CLASS] == ELFCLASS64;
    uint64_t phoff;
    unsigned phnum, phentsize;
    if (is64) {
        Elf64_Ehdr eh;
        if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
            return 0;
        phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    } else {
        Elf32_Ehdr eh;
        if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh)
            return 0;
        phoff = eh.e_phoff, phnum = eh.e_phnum, phentsize = eh.e_phentsize;
    }
    for (unsigned i = 0; i < phnum && i < 4096; i++) {
        uint32_t type;
        if (pread(fd, &type, sizeof type, (off_t)(phoff + (uint64_t)i * phentsize)) != (ssize_t)sizeof type)
            return 0;
        if (type == PT_INTERP)
            return 1;
    }
    return 0;
}

static int search(const char *name, char *out, size_t n)
{
    if (strchr(name, '/')) {
        snprintf(out, n, "%s", name);
        return access(out, F_OK) == 0 ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    int found_noexec = 0;
    char first[PATH_MAX] = "";
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(out, n, "%.*s%s%s", (int)len, p, len ? "/" : "", name);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(out, X_OK) == 0)
                return 0;
            if (!found_noexec++)
                snprintf(first, sizeof first, "%s", out);
        }
        p += len + (p[len] == ':');
    }
    if (found_noexec) { /* only non-executable matches: say so about the first */
        snprintf(out, n, "%s", first);
        return 0;
    }
    return -1;
}

static int check(const char *path, const char *shown, int depth, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot run '%s': %s", shown, strerror(errno));
        return SS_EXIT_BADINPUT;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot run '%s': it is a directory, not a program", shown);
        return SS_EXIT_BADINPUT;
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
        snprintf(err, errlen, "cannot run '%s': it is not an executable file (chmod +x it?)", shown);
        return SS_EXIT_BADINPUT;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot read '%s': %s", shown, strerror(errno));
        return SS_EXIT_BADINPUT;
    }
    char head[256] = "";
    ssize_t n = pread(fd, head, sizeof head - 1, 0);
    int interp = elf_has_interp(fd);
    close(fd);
    if (interp == 1)
        return 0;
    if (interp == 0) {
        snprintf(err, errlen,
                 "cannot trace '%s': it is statically linked (no program interpreter), so the loader never "
                 "loads sockscope's interposer into it and no socket call could be recorded. Link it "
                 "dynamically (without -static), or count its calls with 'strace -f -c'",
                 shown);
        return SS_EXIT_BADINPUT;
    }
    if (n > 2 && head[0] == '#' && head[1] == '!' && depth < 4) { /* a script: its interpreter runs */
        head[n] = 0;
        char *p = head + 2;
        p += strspn(p, " \t");
        size_t len = strcspn(p, " \t\r\n");
        p[len] = 0;
        if (!*p) {
            snprintf(err, errlen, "cannot run '%s': its #! line names no interpreter", shown);
            return SS_EXIT_BADINPUT;
        }
        char interp_path[PATH_MAX];
        snprintf(interp_path, sizeof interp_path, "%s", p);
        return check(interp_path, interp_path, depth + 1, err, errlen);
    }
    snprintf(err, errlen, "cannot run '%s': it is neither an ELF program nor a #! script", shown);
    return SS_EXIT_BADINPUT;
}

int ss_program_find(const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
    if (!name || !*name) {
        snprintf(err, errlen, "no program given");
        return SS_EXIT_USAGE;
    }
    if (search(name, out, outlen) != 0) {
        if (strchr(name, '/'))
            snprintf(err, errlen, "cannot run '%s': no such file", name);
        else
            snprintf(err, errlen, "cannot run '%s': no such program in $PATH (give a path, e.g. ./%s)", name, name);
        return SS_EXIT_BADINPUT;
    }
    return check(out, name, 0, err, errlen);
}

/* --- the interposer's path ------------------------------------------------- */
#ifndef SS_PRELOAD_BUILD_PATH
#define SS_PRELOAD_BUILD_PATH ""
#endif
#ifndef SS_PRELOAD_INSTALL_REL
#define SS_PRELOAD_INSTALL_REL "../lib/sockscope"
#endif

int ss_preload_path(char *out, size_t n, char *err, size_t errlen)
{
    char cand[4][PATH_MAX];
    int k = 0;
    const char *env = getenv("SOCKSCOPE_PRELOAD");
    if (env && *env)
        snprintf(cand[k++], PATH_MAX, "%s", env);
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        snprintf(cand[k++], PATH_MAX, "%.*s/libsockscope-preload.so", PATH_MAX - 32, exe);
        /* installed: LIBDIR/sockscope, relative to BINDIR (cmake/install.cmake) */
        snprintf(cand[k++], PATH_MAX, "%.*s/%s/libsockscope-preload.so", PATH_MAX - 128, exe, SS_PRELOAD_INSTALL_REL);
    }
    if (SS_PRELOAD_BUILD_PATH[0])
        snprintf(cand[k++], PATH_MAX, "%s", SS_PRELOAD_BUILD_PATH);
    for (int i = 0; i < k; i++) {
        char real[PATH_MAX];
        if (!realpath(cand[i], real) || access(real, R_OK) != 0)
            continue;
        if (strpbrk(real, " :")) { /* LD_PRELOAD splits on spaces and colons */
            snprintf(err, errlen,
                     "the interposer's path '%s' has a space or a colon, which LD_PRELOAD cannot "
                     "carry; set SOCKSCOPE_PRELOAD to a copy somewhere else",
                     real);
            return -1;
        }
        snprintf(out, n, "%s", real);
        return 0;
    }
    snprintf(err, errlen,
             "cannot find the interposer libsockscope-preload.so beside sockscope or in its install (rebuild, or set "
             "SOCKSCOPE_PRELOAD to its path)");
    return -1;
}

/* --- starting it ------------------------------------------------------------ */
/* sockscope's environment with the interposer first in LD_PRELOAD and the
 * region named; built before fork (nothing is allocated in the child) */
static char **child_env(const ss_spawn_opts *o, char **pre_out)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    const char *old = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(environ[i], "LD_PRELOAD=", 11) == 0)
            old = environ[i] + 11;
        else if (strncmp(environ[i], "SOCKSCOPE_SHM=", 14) != 0)
            env[k++] = environ[i];
    }
    size_t len = strlen(o->preload) + (old ? strlen(old) : 0) + 16;
    char *pre = malloc(len);
    if (!pre) {
        free(env);
        return NULL;
    }
    snprintf(pre, len, "LD_PRELOAD=%s%s%s", o->preload, old && *old ? ":" : "", old ? old : "");
    env[k++] = pre;
    env[k++] = (char *)o->shm_env;
    *pre_out = pre;
    env[k] = NULL;
    return env;
}

pid_t ss_spawn(const ss_spawn_opts *o, char *err, size_t errlen)
{
    char *pre = NULL;
    char **env = child_env(o, &pre);
    int pfd[2];
    if (!env || pipe2(pfd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start the program: %s", env ? strerror(errno) : "out of memory");
        free(pre);
        free(env);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* only async-signal-safe calls from here: sockscope has threads */
        sigset_t none;
        sigemptyset(&none);
        for (int s = 1; s < NSIG; s++)
            if (s != SIGKILL && s != SIGSTOP)
                signal(s, SIG_DFL);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (o->own_group)
            setpgid(0, 0);
        if (o->out_fd >= 0) {
            dup2(o->out_fd, 1);
            dup2(o->out_fd, 2);
        }
        execve(o->path, o->argv, env);
        int e = errno;
        ssize_t w = write(pfd[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(pfd[1]);
    int e = 0;
    ssize_t got = pid > 0 ? read(pfd[0], &e, sizeof e) : 0;
    if (pid < 0)
        e = errno;
    close(pfd[0]);
    free(pre);
    free(env);
    if (pid < 0 || got == (ssize_t)sizeof e) {
        if (pid > 0)
            waitpid(pid, NULL, 0);
        snprintf(err, errlen, "cannot run '%s': %s", o->path, strerror(e));
        return -1;
    }
    return pid;
}

void ss_describe_status(int status, char *out, size_t n)
{
    if (WIFEXITED(status)) {
        snprintf(out, n, "exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = sigabbrev_np(sig);
        snprintf(out, n, "killed by signal %d (SIG%s)%s", sig, name ? name : "?",
                 WCOREDUMP(status) ? ", core dumped" : "");
    } else {
        snprintf(out, n, "status %#x", status);
    }
}
