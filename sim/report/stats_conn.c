#include "sim/report/stats_conn.h"

#include <stdlib.h>
#include <string.h>

#define CLOSED UINT32_MAX /* the idmap cannot forget an id: a closed socket maps here */

static ss_conn *open_conn(ss_conn_stats *cs, int32_t sock, uint64_t t)
{
    cs->total++;
    if (cs->n == SS_CONN_KEPT)
        return NULL;
    if (cs->n == cs->cap) {
        ss_conn *c = ss_grow(cs->c, &cs->cap, sizeof *c, 16);
        if (!c)
            return NULL;
        cs->c = c;
    }
    ss_conn *c = &cs->c[cs->n];
    memset(c, 0, sizeof *c);
    c->sock = sock;
    c->first_ns = c->last_ns = t;
    if (ss_idmap_put(&cs->open, (uint32_t)sock, (uint32_t)cs->n) != 0)
        return NULL;
    cs->n++;
    return c;
}

static ss_conn *conn_of(ss_conn_stats *cs, int32_t sock)
{
    int64_t k = ss_idmap_get(&cs->open, (uint32_t)sock);
    return k >= 0 && k != CLOSED ? &cs->c[k] : NULL;
}

void ss_conn_event(ss_conn_stats *cs, const ss_event *ev)
{
    int io = ev->api == SS_API_OP_COMPLETE ? (int)ev->aux : ev->api;
    if (io == SS_API_ACCEPT && ev->api != SS_API_OP_SUBMIT && ev->ret >= 0) {
        open_conn(cs, (int32_t)ev->ret, ev->t1);
        return;
    }
    if (ev->sock < 0)
        return;
    if (ev->api == SS_API_CLOSE) {
        ss_conn *c = conn_of(cs, ev->sock);
        if (c) {
            c->closed = 1;
            c->last_ns = ev->t1;
            ss_idmap_put(&cs->open, (uint32_t)ev->sock, CLOSED);
        }
        return;
    }
    /* the rule stats uses for bytes: a submission moved nothing yet */
    if ((io != SS_API_RECV && io != SS_API_SEND) || ev->api == SS_API_OP_SUBMIT || ev->ret <= 0)
        return;
    uint64_t bytes = (uint64_t)ev->ret;
    if (io == SS_API_RECV)
        cs->recvs++, cs->bytes_in += bytes;
    else
        cs->sends++, cs->bytes_out += bytes;
    ss_conn *c = conn_of(cs, ev->sock);
    if (!c && !(c = open_conn(cs, ev->sock, ev->t0)))
        return; /* past the kept list: in the totals only */
    if (io == SS_API_RECV)
        c->recvs++, c->bytes_in += bytes;
    else
        c->sends++, c->bytes_out += bytes;
    if (ev->t1 > c->last_ns)
        c->last_ns = ev->t1;
}

void ss_conn_free(ss_conn_stats *cs)
{
    free(cs->c);
    ss_idmap_free(&cs->open);
    memset(cs, 0, sizeof *cs);
}

void ss_conn_print(FILE *f, const ss_conn_stats *cs, double seconds, size_t list)
{
    fprintf(f,
            "  served %llu connection(s): %llu bytes received, %llu echoed back (%s), in %llu recv and %llu send "
            "calls; %.0f echo sends/s\n",
            (unsigned long long)cs->total, (unsigned long long)cs->bytes_in, (unsigned long long)cs->bytes_out,
            cs->bytes_in == cs->bytes_out ? "every byte" : "not every byte", (unsigned long long)cs->recvs,
            (unsigned long long)cs->sends, seconds > 0 ? (double)cs->sends / seconds : 0);
    if (!cs->n)
        return;
    fprintf(f, "  %6s %7s %10s %10s %7s %7s %10s %10s\n", "conn", "socket", "from s", "to s", "recvs", "sends",
            "bytes in", "bytes out");
    for (size_t i = 0; i < cs->n && i < list; i++) {
        const ss_conn *c = &cs->c[i];
        fprintf(f, "  %6zu %7d %10.3f %10.3f %7llu %7llu %10llu %10llu%s\n", i + 1, c->sock, c->first_ns / 1e9,
                c->last_ns / 1e9, (unsigned long long)c->recvs, (unsigned long long)c->sends,
                (unsigned long long)c->bytes_in, (unsigned long long)c->bytes_out, c->closed ? "" : " (still open)");
    }
    if (cs->total > list && cs->n > list)
        fprintf(f, "  ... %llu more (stats --json lists %zu)\n", (unsigned long long)(cs->total - list), cs->n);
}

/* what moved: the same four keys for the whole run and for each connection */
static void json_moved(ss_jw *w, uint64_t recvs, uint64_t sends, uint64_t bytes_in, uint64_t bytes_out)
{
    ss_jw_kuint(w, "recvs", recvs);
    ss_jw_kuint(w, "sends", sends);
    ss_jw_kuint(w, "bytes_in", bytes_in);
    ss_jw_kuint(w, "bytes_out", bytes_out);
}

void ss_conn_json(ss_jw *w, const ss_conn_stats *cs)
{
    ss_jw_key(w, "serve");
    ss_jw_obj(w);
    ss_jw_kuint(w, "connections", cs->total);
    json_moved(w, cs->recvs, cs->sends, cs->bytes_in, cs->bytes_out);
    ss_jw_key(w, "per_connection");
    ss_jw_arr(w);
    for (size_t i = 0; i < cs->n; i++) {
        const ss_conn *c = &cs->c[i];
        ss_jw_obj(w);
        ss_jw_kint(w, "socket", c->sock);
        ss_jw_kuint(w, "first_ns", c->first_ns);
        ss_jw_kuint(w, "last_ns", c->last_ns);
        json_moved(w, c->recvs, c->sends, c->bytes_in, c->bytes_out);
        ss_jw_key(w, "closed");
        ss_jw_bool(w, c->closed);
        ss_jw_end_obj(w);
    }
    ss_jw_end_arr(w);
    ss_jw_end_obj(w);
}
