#include "sim/interpose/observe.h"

#include <stdio.h>

void ss_observe_event(ss_observe *o, int *tf, const ss_event *ev)
{
    if (ev->api >= SS_API_COUNT)
        return;
    o->calls[ev->api]++;
    o->may_block += (ev->flags & SS_EV_MAYBLOCK) != 0;
    o->waited += (ev->flags & SS_EV_WAITED) != 0;
    o->wait_missed += (ev->flags & SS_EV_WAIT_MISSED) != 0;
    int api = ev->api;
    if (api == SS_API_ACCEPT || api == SS_API_RECV || api == SS_API_SEND) {
        if (ev->err == SS_E_WOULDBLOCK)
            o->wouldblock++;
        else if (ev->ret >= 0)
            *tf |= api == SS_API_ACCEPT ? SS_OBS_ACCEPT : SS_OBS_IO;
    }
}

void ss_observe_thread(ss_observe *o, int tf)
{
    o->threads++;
    o->accept_threads += (tf & SS_OBS_ACCEPT) != 0;
    o->io_threads += (tf & SS_OBS_IO) != 0;
    o->io_only_threads += tf == SS_OBS_IO;
}

void ss_observe_add(ss_observe *t, const ss_observe *p)
{
    for (int i = 0; i < SS_API_COUNT; i++)
        t->calls[i] += p->calls[i];
    t->wouldblock += p->wouldblock;
    t->may_block += p->may_block;
    t->waited += p->waited;
    t->wait_missed += p->wait_missed;
    t->threads += p->threads;
    t->accept_threads += p->accept_threads;
    t->io_threads += p->io_threads;
    t->io_only_threads += p->io_only_threads;
    t->procs += p->procs ? p->procs : 1;
    if (p->child && p->io_threads && !p->accept_threads)
        t->io_children++;
    t->io_children += p->io_children;
}

uint64_t ss_observe_socket_calls(const ss_observe *o)
{
    uint64_t n = 0;
    for (int i = 0; i < SS_API_COUNT; i++)
        if (ss_api_is_socket_call(i))
            n += o->calls[i];
    return n;
}

/* The chapter's models, recognised by what the program waits in, most
 * telling first: a readiness call names its model whatever else the
 * program does; without one, spinning on EWOULDBLOCK is the non-blocking
 * model; otherwise the calls block, and who makes them tells a
 * process or a thread per client from an iterative server. */
const char *ss_observe_model(const ss_observe *o, char *detail, size_t n)
{
    const uint64_t *c = o->calls;
    uint64_t io = c[SS_API_RECV] + c[SS_API_SEND] + c[SS_API_ACCEPT];
    const char *model;
    if (!ss_observe_socket_calls(o))
        model = "";
    else if (c[SS_API_EPOLL_WAIT])
        model = "epoll-based (observed)";
    else if (c[SS_API_POLL])
        model = "poll-based (observed)";
    else if (c[SS_API_SELECT])
        model = "select-based (observed)";
    else if (o->wouldblock >= 16 && o->wouldblock * 10 >= io)
        model = "non-blocking polling (observed)";
    else if (o->io_children || (o->child && o->io_threads && !o->accept_threads))
        model = "process per client (observed)";
    else if (o->io_threads > 1 || (o->io_only_threads && o->accept_threads))
        model = "thread per client (observed)";
    else if (io)
        model = "blocking iterative (observed)";
    else if (c[SS_API_CONNECT])
        model = "client only: connects (observed)";
    else
        model = "sockets, no I/O loop seen (observed)";
    /* short: a trace keeps 95 bytes of a parameter */
    if (detail && n)
        snprintf(detail, n, "%llu calls; %u I/O thread(s), %u accepting; %llu would-block; %llu slept",
                 (unsigned long long)ss_observe_socket_calls(o), o->io_threads, o->accept_threads,
                 (unsigned long long)o->wouldblock, (unsigned long long)o->waited);
    return model;
}
