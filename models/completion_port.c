#include "models/completion_port.h"

#include <errno.h>
#include <stdlib.h>

#include "sim/probe/probe.h"
#include "sim/trace/clock.h"

#define INITIAL_CAP 64

int ss_port_init(ss_port *p, int concurrency)
{
    *p = (ss_port){.concurrency = concurrency};
    p->q = malloc(INITIAL_CAP * sizeof *p->q);
    p->cap = INITIAL_CAP;
    return p->q ? 0 : -1;
}

void ss_port_free(ss_port *p)
{
    free(p->q);
    p->q = NULL;
}

static int grow(ss_port *p)
{
    ss_packet *q = malloc(2 * p->cap * sizeof *q);
    if (!q)
        return -1;
    for (unsigned i = 0; i < p->len; i++)
        q[i] = p->q[(p->head + i) % p->cap];
    free(p->q);
    p->q = q;
    p->head = 0;
    p->cap *= 2;
    return 0;
}

/* Pop the most recent waiter and mark it woken (caller holds the lock). */
static ss_port_waiter *pop_waiter(ss_port *p)
{
    ss_port_waiter *w = p->waiting;
    if (w) {
        p->waiting = w->next;
        atomic_store(&w->woken, 1);
    }
    return w;
}

static void wake(ss_port_waiter *w)
{
    int thread = w->thread;
    ss_futex_wake(&w->woken, 1); /* w may run and wait again at once: read it first */
    uint64_t t = ss_ticks();
    ss_note(SS_API_WAKEUP, -1, 0, thread, 0, 0, 0, t, t);
}

int ss_port_post(ss_port *p, const ss_packet *pk)
{
    ss_lock_acquire(&p->lock);
    if (p->len == p->cap && grow(p) != 0) {
        ss_lock_release(&p->lock);
        return -1;
    }
    p->q[(p->head + p->len++) % p->cap] = *pk;
    unsigned depth = p->len;
    ss_port_waiter *w = !p->concurrency || p->running < p->concurrency ? pop_waiter(p) : NULL;
    ss_lock_release(&p->lock);
    uint64_t t = ss_ticks();
    ss_note(SS_API_PACKET_POST, pk->sock, depth, pk->bytes, pk->op, (uint32_t)pk->api, SS_EV_ASYNC, t, t);
    if (w)
        wake(w);
    return 0;
}

static void remove_waiter(ss_port *p, ss_port_waiter *self)
{
    for (ss_port_waiter **pp = &p->waiting; *pp; pp = &(*pp)->next)
        if (*pp == self) {
            *pp = self->next;
            return;
        }
}

/* Sleep on the port until woken or the deadline (lock held on entry and
 * exit). Returns 0 when the time is up. */
static int sleep_on(ss_port *p, ss_port_waiter *self, uint64_t deadline)
{
    int ms = -1;
    if (deadline) {
        uint64_t now = ss_mono_ns();
        if (now >= deadline)
            return 0;
        ms = (int)((deadline - now + 999999) / 1000000);
    }
    atomic_store(&self->woken, 0);
    self->next = p->waiting;
    p->waiting = self;
    ss_lock_release(&p->lock);
    ss_futex_wait(&self->woken, 0, ms);
    ss_lock_acquire(&p->lock);
    if (!atomic_load(&self->woken)) /* timed out or interrupted: still on the stack */
        remove_waiter(p, self);
    return 1;
}

int ss_port_get(ss_port *p, ss_port_waiter *self, ss_packet *out, int timeout_ms)
{
    uint64_t deadline = timeout_ms < 0 ? 0 : ss_mono_ns() + (uint64_t)timeout_ms * 1000000 + 1;
    ss_lock_acquire(&p->lock);
    if (self->running) { /* done with its last packet */
        self->running = 0;
        p->running--;
    }
    while (p->len == 0 && !p->closed)
        if (!sleep_on(p, self, deadline)) {
            ss_lock_release(&p->lock);
            return 0;
        }
    if (p->len == 0) {
        ss_lock_release(&p->lock);
        return -1;
    }
    *out = p->q[p->head];
    self->running = 1;
    p->running++;
    out->depth = p->len--;
    p->head = (p->head + 1) % p->cap;
    ss_lock_release(&p->lock);
    return 1;
}

void ss_port_close(ss_port *p)
{
    ss_lock_acquire(&p->lock);
    p->closed = 1;
    ss_port_waiter *all = p->waiting, *w;
    p->waiting = NULL;
    for (w = all; w; w = w->next)
        atomic_store(&w->woken, 1);
    ss_lock_release(&p->lock);
    while (all) {
        w = all;
        all = all->next; /* read before waking: w may be gone right after */
        wake(w);
    }
}
