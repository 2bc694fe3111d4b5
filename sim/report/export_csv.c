#include <stdio.h>

#include "sim/report/export.h"

typedef struct csv {
    FILE *out;
    ss_names names;
} csv;

static void csv_run(void *ud, const ss_run_meta *m) { ss_names_run(&((csv *)ud)->names, m); }
static void csv_thread(void *ud, const ss_thread_meta *t) { ss_names_thread(&((csv *)ud)->names, t); }

/* thread names are ours ("client 3", "conn 12"), but quote them anyway */
static void quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    csv *c = ud;
    const ss_thread_meta *t = ss_names_get(&c->names, thread);
    fprintf(c->out, "%u,", run);
    quoted(c->out, c->names.model);
    fprintf(c->out, ",%u,%s,", thread, ss_role_name(t ? t->role : -1));
    quoted(c->out, t ? t->name : "");
    fprintf(c->out, ",%s,%llu,%llu,%llu,%d,%llu,%lld,%s,%d,%d,%d,%d,%d,%llu,%u", ss_event_name(ev->api, (int)ev->aux, ev->flags),
            (unsigned long long)ev->t0, (unsigned long long)ev->t1, (unsigned long long)(ev->t1 - ev->t0),
            ev->sock, (unsigned long long)ev->arg, (long long)ev->ret, ss_err_name(ev->err),
            !!(ev->flags & SS_EV_KERNEL), !!(ev->flags & SS_EV_MAYBLOCK), !!(ev->flags & SS_EV_WAITED),
            !!(ev->flags & SS_EV_ASYNC), !!(ev->flags & SS_EV_FAILED), (unsigned long long)ev->id, ev->aux);
    /* the event's role in its model (docs/trace-format.md, roles) */
    int emul = (ev->flags & SS_EV_EMUL) || (t && t->role == SS_ROLE_EMUL);
    if (ev->flags & SS_EV_STANDIN)
        fprintf(c->out, ",%s,%s\n", emul ? "emulation" : "stand-in", ev->impl ? ss_api_name(ev->impl) : "none");
    else
        fprintf(c->out, ",%s,\n", emul ? "emulation" : "model");
}

int ss_export_csv(const char *trace, FILE *out, ss_scan_result *res, char *err, size_t errlen)
{
    csv c = {.out = out};
    fputs("run,model,thread,role,thread_name,api,enter_ns,exit_ns,duration_ns,socket,arg,result,error,"
          "kernel,may_block,waited,async,failed,id,aux,call_role,linux_call\n", out);
    ss_visitor v = {.ud = &c, .run_begin = csv_run, .thread = csv_thread, .event = csv_event};
    int rc = ss_trace_scan(trace, 1, &v, res, err, errlen);
    ss_names_free(&c.names);
    return rc;
}
