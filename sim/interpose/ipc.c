#include "sim/interpose/ipc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/trace/clock.h"

/* The wait floor of the lazy "really waited" rule (sim/probe/probe.c,
 * SS_WAIT_FLOOR_NS): no thread sleeps and wakes in less. */
#define WAIT_FLOOR_NS 500

static size_t round_up(size_t v, size_t to) { return (v + to - 1) / to * to; }

int ss_ipc_create(ss_ipc *ipc, const ss_ipc_opts *o, char *err, size_t errlen)
{
    memset(ipc, 0, sizeof *ipc);
    ipc->fd = -1;
    ipc->wc.count_fd = ipc->wc.procs_fd = ipc->wc.prog_fd = ipc->wc.tp_fd = -1;
    uint32_t nslots = o && o->nslots ? o->nslots : 1024;
    uint32_t ring = o && o->ring_events ? o->ring_events : 8192;
    uint32_t nprocs = o && o->nprocs ? o->nprocs : 1000;
    if (ring < 2 || (ring & (ring - 1))) {
        snprintf(err, errlen, "ring size %u is not a power of two", ring);
        return -1;
    }
    size_t page = 4096;
    size_t procs_off = round_up(sizeof(ss_shm_hdr), page);
    size_t owner_off = round_up(procs_off + (size_t)nprocs * sizeof(ss_shm_proc), page);
    size_t slots_off = round_up(owner_off + SS_WC_NSLOT * sizeof(uint32_t), page);
    /* a ring's pages are its own: a quiet thread's cost nothing, and no two
     * threads' rings share a cache line */
    size_t stride = round_up(sizeof(ss_shm_slot) + (size_t)ring * sizeof(ss_event), page);
    size_t size = slots_off + (size_t)nslots * stride;
    /* A memfd, not a file under /dev/shm: its pages exist only once touched
     * and no tmpfs size limit can turn a write into SIGBUS in the program. */
    ipc->fd = memfd_create("sockscope-rings", MFD_CLOEXEC);
    if (ipc->fd < 0) {
        snprintf(err, errlen, "cannot make the shared rings (memfd_create): %s", strerror(errno));
        return -1;
    }
    if (ftruncate(ipc->fd, (off_t)size) != 0) {
        snprintf(err, errlen, "cannot size the shared rings (%zu MiB): %s", size >> 20, strerror(errno));
        ss_ipc_destroy(ipc);
        return -1;
    }
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ipc->fd, 0);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "cannot map the shared rings: %s", strerror(errno));
        ss_ipc_destroy(ipc);
        return -1;
    }
    ipc->hdr = m;
    ipc->size = size;
    ss_shm_hdr *h = ipc->hdr;
    h->version = SS_SHM_VERSION;
    h->hdr_size = sizeof *h;
    h->nprocs_max = nprocs;
    h->nslots = nslots;
    h->ring_events = ring;
    h->tracer_pid = (uint32_t)getpid();
    h->procs_off = procs_off;
    h->slots_off = slots_off;
    h->slot_stride = stride;
    h->total_size = size;
    h->detect_waits = o ? o->detect_waits : 1;
    h->full_wait_ms = !o || !o->full_wait_ms ? 250 : o->full_wait_ms < 0 ? 0 : o->full_wait_ms;
    h->wait_floor_ticks = (uint64_t)(WAIT_FLOOR_NS / ss_clock_ns_per_tick()) + 1;
    /* "really waited" in one load where BPF may be loaded (waitcount.h) */
    ipc->wc_on = h->detect_waits && ss_waitcount_open(&ipc->wc, nprocs) == 0;
    h->bpf_count_fd = ipc->wc_on ? ipc->wc.count_fd : -1;
    h->bpf_nslot = SS_WC_NSLOT;
    h->bpf_owner_off = owner_off;
    /* the magic last: a half-made region is never taken for one */
    atomic_thread_fence(memory_order_release);
    memcpy(h->magic, SS_SHM_MAGIC, 8);
    snprintf(ipc->env, sizeof ipc->env, "%s=%u:%d", SS_SHM_ENV, (unsigned)getpid(), ipc->fd);
    return 0;
}

void ss_ipc_destroy(ss_ipc *ipc)
{
    ss_waitcount_close(&ipc->wc);
    ipc->wc_on = 0;
    if (ipc->hdr)
        munmap(ipc->hdr, ipc->size);
    if (ipc->fd >= 0)
        close(ipc->fd);
    ipc->hdr = NULL;
    ipc->fd = -1;
    ipc->wc.count_fd = ipc->wc.procs_fd = ipc->wc.prog_fd = ipc->wc.tp_fd = -1;
}
