#include "opscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/reader.h"

static opinfo *op_at(opscan *s, uint64_t id)
{
    if (id >= s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap <= id)
            cap *= 2;
        s->ops = realloc(s->ops, cap * sizeof *s->ops);
        assert_non_null(s->ops);
        memset(s->ops + s->cap, 0, (cap - s->cap) * sizeof *s->ops);
        s->cap = cap;
    }
    return &s->ops[id];
}

static void on_thread(void *ud, const ss_thread_meta *t)
{
    opscan *s = ud;
    if (t->idx < OPS_MAX_THREADS) {
        snprintf(s->names[t->idx], sizeof s->names[t->idx], "%s", t->name);
        s->roles[t->idx] = t->role;
    }
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    (void)run;
    opscan *s = ud;
    /* the model's threads, and the stand-ins' emulation (a port thread) */
    if (thread >= OPS_MAX_THREADS || (s->roles[thread] != SS_ROLE_SERVER && s->roles[thread] != SS_ROLE_EMUL))
        return;
    opinfo *o;
    switch (ev->api) {
    case SS_API_OP_SUBMIT:
        o = op_at(s, ev->id);
        o->submits++;
        o->sub_thread = (int32_t)thread;
        o->api = ev->aux;
        o->len = ev->arg;
        break;
    case SS_API_OP_COMPLETE:
        o = op_at(s, ev->id);
        o->completes++;
        o->comp_thread = (int32_t)thread;
        o->res = ev->ret;
        s->completions++;
        s->zero_depth += ev->arg == 0; /* a packet is taken from a queue that held it */
        if (ev->aux == SS_API_SEND && ev->ret > 0 && (uint64_t)ev->ret < o->len)
            s->partial_sends++;
        break;
    case SS_API_PACKET_POST: op_at(s, ev->id)->posts++; break;
    case SS_API_EVENT_SIGNAL: s->signals++; break;
    case SS_API_ROUTINE: s->routines++; break;
    default: break;
    }
}

void ops_scan(const char *path, opscan *s)
{
    memset(s, 0, sizeof *s);
    ss_visitor v = {.ud = s, .thread = on_thread, .event = on_event};
    ss_scan_result res;
    char err[256];
    assert_int_equal(ss_trace_scan(path, 0, &v, &res, err, sizeof err), 0);
}

void ops_free(opscan *s)
{
    free(s->ops);
    s->ops = NULL;
    s->cap = 0;
}

void ops_assert_each_once(const opscan *s)
{
    uint64_t io = 0;
    for (size_t id = 1; id < s->cap; id++) {
        const opinfo *o = &s->ops[id];
        int is_io = o->api == SS_API_RECV || o->api == SS_API_SEND;
        io += is_io && o->submits;
        if (o->submits > 1 || o->completes > o->submits || (is_io && o->completes != o->submits))
            fail_msg("operation %zu (%s): submitted %u times, completed %u times", id, ss_api_name((int)o->api),
                     o->submits, o->completes);
    }
    assert_true(io > 0);
}
