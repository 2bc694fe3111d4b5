/* spawn.h — starting a program sockscope traces: finding it, checking that
 * the interposer can be loaded into it at all, and starting it with the
 * interposer preloaded (shared by `sockscope trace` and `run --program`). */
#ifndef SS_INTERPOSE_SPAWN_H
#define SS_INTERPOSE_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/* Finds PROGRAM as execvp would (a name with a '/' is a path, else each
 * $PATH directory) and checks it can be traced: a regular executable file,
 * dynamically linked (an ELF file with a program interpreter: the loader
 * that honours LD_PRELOAD), or a script whose interpreter is. Returns 0
 * with the path in out, or an SS_EXIT_* code with a message that says what
 * to do: SS_EXIT_BADINPUT for a missing, non-executable or statically
 * linked program. */
int ss_program_find(const char *name, char *out, size_t outlen, char *err, size_t errlen);

/* The interposer library: $SOCKSCOPE_PRELOAD, else libsockscope-preload.so
 * beside the sockscope binary, else in its install (LIBDIR/sockscope), else
 * the build tree's. 0 with its absolute
 * path, or -1 with err. */
int ss_preload_path(char *out, size_t outlen, char *err, size_t errlen);

typedef struct ss_spawn_opts {
    const char *path; /* from ss_program_find */
    char *const *argv;
    const char *preload; /* the interposer's path: put first in LD_PRELOAD */
    const char *shm_env; /* "SOCKSCOPE_SHM=..." (ss_ipc.env) */
    int own_group;       /* a process group of its own (run --program: stopped as a group) */
    int out_fd;          /* stdout and stderr go here; -1 keeps sockscope's */
} ss_spawn_opts;

/* Starts it. The child gets sockscope's environment with the interposer
 * added, default signal dispositions and an empty signal mask (sockscope
 * blocks and ignores some signals for itself: the program must not inherit
 * that). Returns the pid once the exec has happened, or -1 with err (the
 * exec's own error when it failed). */
pid_t ss_spawn(const ss_spawn_opts *o, char *err, size_t errlen);

/* "exited with status 3", "killed by signal 9 (SIGKILL)" */
void ss_describe_status(int status, char *out, size_t n);

#endif
