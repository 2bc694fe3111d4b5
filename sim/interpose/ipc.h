/* ipc.h — sockscope's side of the region it shares with a traced program
 * (sim/interpose/shm.h): made before the program starts, kept until the
 * drain has taken everything. */
#ifndef SS_INTERPOSE_IPC_H
#define SS_INTERPOSE_IPC_H

#include <stddef.h>
#include <stdint.h>

#include "sim/interpose/shm.h"
#include "sim/interpose/waitcount.h"

typedef struct ss_ipc_opts {
    uint32_t nslots;      /* rings (threads recording at once); 0 = 1024 */
    uint32_t ring_events; /* per ring, a power of two; 0 = 8192 */
    uint32_t nprocs;      /* processes one trace can hold; 0 = 1000 (a reader takes 1024 runs) */
    int detect_waits;     /* 0 off, 1 on (the lazy rule), 2 verify the rule */
    int full_wait_ms;     /* a full ring waits this long for the drain: 0 = 250, < 0 = drop at once */
} ss_ipc_opts;

typedef struct ss_ipc {
    int fd; /* the memfd (close-on-exec: the program opens it by /proc path) */
    ss_shm_hdr *hdr;
    size_t size;
    char env[64];    /* "SOCKSCOPE_SHM=PID:FD", for the program's environment */
    ss_waitcount wc; /* the BPF switch counter, when it could be loaded */
    int wc_on;
} ss_ipc;

/* 0, or -1 with err (no memfd, no memory) */
int ss_ipc_create(ss_ipc *ipc, const ss_ipc_opts *opts, char *err, size_t errlen);
void ss_ipc_destroy(ss_ipc *ipc);

#endif
