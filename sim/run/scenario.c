/* scenario.c — the scenario key table, the INI reader (inih) and the checks.
 *
 * Why inih: a scenario is a short list of settings a lecturer edits by hand;
 * INI reads like that, takes comments, and inih is a small, well-kept C
 * library packaged everywhere (libinih-dev). We feed it our own line reader,
 * which knows the line number of every key (so errors can cite it whatever
 * options the library was built with) and refuses over-long lines instead of
 * letting them be split silently. */
#include "sim/run/scenario.h"

#include <errno.h>
#ifdef SS_HAVE_INIH
#include <ini.h>
#endif
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/base/util.h"
#include "sim/run/scenario_claims.h"

#define MAX_FILE (1 << 20)

typedef enum { B_SCEN, B_WORK, B_SPECIAL, B_LINK, B_MO } base;
typedef enum {
    K_INT, K_UINT, K_DOUBLE, K_BOOL, K_U64, K_STR, K_CAPTION, K_MODELS, K_SIZE, K_CONNECT, K_ENUM, K_BANDWIDTH
} kind;

typedef struct keydef {
    ss_scen_key pub;
    kind kind;
    base base;
    size_t off, len;
    double min, max;
    const char *const *names; /* K_ENUM: the values, stored as their index */
} keydef;

static const char *const client_modes[] = {"auto", "threads", "events", NULL};   /* ss_client_mode */
static const char *const scale_modes[] = {"all", "messages", "none", NULL};      /* SS_SCALE_* */

#define SC(f) B_SCEN, offsetof(ss_scenario, f), sizeof(((ss_scenario *)0)->f)
#define WK(f) B_WORK, offsetof(ss_workload_opts, f), 0
#define SP(f) B_SPECIAL, offsetof(ss_special_opts, f), 0
#define LK(f) B_LINK, offsetof(ss_link_opts, f), 0
#define MO(f) B_MO, offsetof(ss_model_opts, f), 0
#define NONE B_WORK, 0, 0

/* clang-format off */
static const keydef keys[] = {
    {{"scenario", "name", NULL, "TEXT", "short name, recorded with each run"}, K_STR, SC(name), 0, 0, NULL},
    {{"scenario", "caption_ko", NULL, "TEXT", "what the comparison shows, in Korean (indented lines continue it)"},
     K_CAPTION, SC(caption_ko), 0, 0, NULL},
    {{"scenario", "caption_en", NULL, "TEXT", "the same in English"}, K_CAPTION, SC(caption_en), 0, 0, NULL},
    {{"scenario", "models", NULL, "M,M...|all", "models to compare, in order (on the command line: --model)"},
     K_MODELS, SC(models), 0, 0, NULL},
    {{"scenario", "seed", "seed", "N", "random seed: message sizes and jitter repeat exactly"}, K_U64, WK(seed), 0, 0, NULL},
    {{"clients", "count", "clients", "N", "concurrent clients (default 20)"}, K_INT, WK(clients), 1, 100000, NULL},
    {{"clients", "messages", "messages", "N", "messages per client (default 200)"}, K_INT, WK(messages), 1, 1e8, NULL},
    {{"clients", "size", "size", "B|MIN-MAX|B,B,...", "message bytes: fixed, uniform range or a list (default 512)"},
     K_SIZE, NONE, 1, 16 << 20, NULL},
    {{"clients", "think_ms", "think-ms", "MS", "pause between a reply and the next message (default 0)"}, K_DOUBLE,
     WK(think_ms), 0, 60000, NULL},
    {{"clients", "connect", "connect", "all|stagger:MS|churn[:N]",
      "all at once; client i at i*MS; or a new connection every N messages"}, K_CONNECT, NONE, 0, 60000, NULL},
    {{"clients", "idle", "idle", "N", "extra connections that stay idle until the others finish (C10K)"}, K_INT,
     WK(idle), 0, 100000, NULL},
    {{"clients", "mode", "client-mode", "auto|threads|events",
      "a thread per client, or a few epoll threads (auto: events above 256)"}, K_ENUM, WK(mode), 0, 0, client_modes},
    {{"clients", "threads", "client-threads", "N", "event-driven client mode: client threads (default 2)"}, K_INT,
     WK(event_threads), 1, 64, NULL},
    {{"clients", "timeout_s", "timeout", "S", "a client gives up on a reply after S seconds (default 30)"}, K_INT,
     WK(timeout_s), 1, 3600, NULL},
    {{"clients", "rcvbuf", "client-rcvbuf", "BYTES", "clients' SO_RCVBUF"}, K_INT, WK(rcvbuf), 1, 64 << 20, NULL},
    {{"clients", "hold_open", "hold-open", NULL, "finished clients keep their connection until all have finished"},
     K_BOOL, WK(hold_open), 0, 0, NULL},
    {{"clients", "expect_refusals", "expect-refusals", NULL,
      "a client closed before its first reply is refused, not failed"}, K_BOOL, WK(expect_refusals), 0, 0, NULL},
    {{"clients", "scale", NULL, "all|messages|none",
      "what --scale may shrink: all, only messages (the lesson needs every client), or none"}, K_ENUM,
     SC(scale_mode), 0, 0, scale_modes},
    {{"special", "slow", "slow-clients", "N", "clients that trickle their bytes"}, K_INT, SP(slow), 0, 100000, NULL},
    {{"special", "slow_chunk", "slow-chunk", "BYTES", "slow clients: bytes per trickle (default 16)"}, K_INT,
     SP(slow_chunk), 1, 1 << 20, NULL},
    {{"special", "slow_delay_ms", "slow-delay-ms", "MS", "slow clients: pause between trickles (default 5)"},
     K_DOUBLE, SP(slow_delay_ms), 0, 10000, NULL},
    {{"special", "nonreading", "nonreading-clients", "N",
      "clients that stop reading for hold_ms: the server's sends block"}, K_INT, SP(nonreading), 0, 100000, NULL},
    {{"special", "hold_ms", "hold-ms", "MS", "non-reading clients: how long they stop reading (default 500)"},
     K_DOUBLE, SP(hold_ms), 0, 60000, NULL},
    {{"special", "nonreading_rcvbuf", "nonreading-rcvbuf", "BYTES", "non-reading clients' SO_RCVBUF (default 4096)"},
     K_INT, SP(nonreading_rcvbuf), 1, 64 << 20, NULL},
    {{"special", "reset", "reset-clients", "N", "clients that reset (RST) halfway through a message"}, K_INT,
     SP(reset), 0, 100000, NULL},
    {{"special", "reset_after", "reset-after", "N", "reset clients: messages completed first (default half)"}, K_INT,
     SP(reset_after), 1, 1e8, NULL},
    {{"special", "halfclose", "halfclose-clients", "N",
      "clients that half-close after their last message, then read the echo"}, K_INT, SP(halfclose), 0, 100000, NULL},
    {{"server", "cpu_us", "cpu-us", "US", "server computation per received chunk, in microseconds"}, K_UINT,
     MO(cpu_work_us), 0, 1000000, NULL},
    {{"server", "fd_setsize", "fd-setsize", "N", "select: refuse clients beyond N sockets per set (64 = Winsock's)"},
     K_INT, MO(fd_setsize), 2, 1024, NULL},
    {{"server", "edge_triggered", "edge-triggered", NULL, "epoll: EPOLLET instead of level-triggered"}, K_BOOL,
     MO(edge_triggered), 0, 0, NULL},
    {{"server", "sqpoll", "sqpoll", NULL, "io_uring: kernel SQ polling thread (fewer transitions)"}, K_BOOL,
     MO(sqpoll), 0, 0, NULL},
    {{"server", "workers", "workers", "N", "completion models: worker threads"}, K_INT, MO(workers), 1, 256, NULL},
    {{"server", "rcvbuf", "rcvbuf", "BYTES", "SO_RCVBUF of accepted sockets"}, K_INT, MO(rcvbuf), 1, 64 << 20, NULL},
    {{"server", "sndbuf", "sndbuf", "BYTES", "SO_SNDBUF of accepted sockets (tiny = partial sends)"}, K_INT,
     MO(sndbuf), 1, 64 << 20, NULL},
    {{"server", "nodelay", "nodelay", NULL, "TCP_NODELAY: echoes above 512 bytes leave without Nagle's wait"},
     K_BOOL, MO(nodelay), 0, 0, NULL},
    {{"server", "ui_rate", "ui-rate", "N", "async-select: N ordinary UI messages per second share the queue"}, K_INT,
     MO(ui_rate), 0, 100000, NULL},
    {{"server", "ui_cost_us", "ui-cost-us", "US", "async-select: handling time of one UI message (default 300)"},
     K_UINT, MO(ui_cost_us), 1, 1000000, NULL},
    {{"network", "latency_ms", "latency-ms", "MS", "one-way delay added by the relay in each direction"}, K_DOUBLE,
     LK(latency_ms), 0, 10000, NULL},
    {{"network", "jitter_ms", "jitter-ms", "MS", "each chunk's delay varies by +-MS (bytes stay in order)"},
     K_DOUBLE, LK(jitter_ms), 0, 10000, NULL},
    {{"network", "bandwidth", "bandwidth", "RATE", "per direction, shared: 500kbit, 10mbit, 1gbit (0 = none)"},
     K_BANDWIDTH, LK(bandwidth_bps), 8000, 1e11, NULL},
    {{"network", "relay_threads", "relay-threads", "N", "relay threads (default 2)"}, K_INT, LK(threads), 1, 16, NULL},
};
/* clang-format on */
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= SS_SCEN_MAX_KEYS, "raise SS_SCEN_MAX_KEYS");

static const char *const sections[] = {"scenario", "clients", "special", "server", "network"};

size_t ss_scenario_nkeys(void) { return NKEYS; }
const ss_scen_key *ss_scenario_key(size_t i) { return i < NKEYS ? &keys[i].pub : NULL; }

void ss_scenario_defaults(ss_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->w.host = "127.0.0.1";
    sc->w.clients = 20;
    sc->w.messages = 200;
    sc->w.size = 512;
    sc->w.special.slow_chunk = 16;
    sc->w.special.slow_delay_ms = 5;
    sc->w.special.hold_ms = 500;
    sc->w.special.nonreading_rcvbuf = 4096;
}

/* --- values -------------------------------------------------------------------- */
static void *field(ss_scenario *sc, ss_model_opts *mo, const keydef *k)
{
    switch (k->base) {
    case B_MO: return (char *)mo + k->off;
    case B_WORK: return (char *)&sc->w + k->off;
    case B_SPECIAL: return (char *)&sc->w.special + k->off;
    case B_LINK: return (char *)&sc->w.link + k->off;
    default: return (char *)sc + k->off;
    }
}

static int parse_bool(const char *v, int *out, const char *label, char *err, size_t n)
{
    static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
            *out = strcasecmp(v, yes[i]) == 0;
            return 0;
        }
    }
    snprintf(err, n, "%s expects true or false (yes/no, on/off, 1/0), got '%s'", label, v);
    return -1;
}

static int parse_u64(const char *v, uint64_t *out, const char *label, char *err, size_t n)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *v == '-' || *end || errno) {
        snprintf(err, n, "%s expects a whole number from 0 to 18446744073709551615, got '%s'", label, v);
        return -1;
    }
    *out = x;
    return 0;
}

/* well-formed UTF-8 (captions are drawn by the viewer and printed as they are) */
static int utf8_ok(const unsigned char *s)
{
    while (*s) {
        int extra = *s < 0x80 ? 0 : (*s >> 5) == 6 ? 1 : (*s >> 4) == 14 ? 2 : (*s >> 3) == 30 ? 3 : -1;
        if (extra < 0 || (*s >= 0x80 && *s < 0xc2) || *s > 0xf4)
            return 0;
        for (s++; extra > 0; extra--, s++)
            if ((*s & 0xc0) != 0x80)
                return 0;
    }
    return 1;
}

static int set_text(char *dst, size_t cap, const char *v, int append, const char *label, char *err, size_t n)
{
    size_t used = append ? strlen(dst) : 0;
    if (!utf8_ok((const unsigned char *)v)) {
        snprintf(err, n, "%s is not valid UTF-8 text (save the file as UTF-8)", label);
        return -1;
    }
    if (used + (append ? 1 : 0) + strlen(v) >= cap) {
        snprintf(err, n, "%s is too long (at most %zu bytes)", label, cap - 1);
        return -1;
    }
    snprintf(dst + used, cap - used, "%s%s", append ? " " : "", v);
    return 0;
}

static int set_models(ss_scenario *sc, const char *v, int append, const char *label, char *err, size_t n)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    if (!append)
        sc->nmodels = 0;
    for (char *save, *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        int all = strcmp(tok, "all") == 0;
        if (!all && !ss_model_known(tok)) {
            char names[300] = "all";
            size_t count;
            const char *const *known = ss_model_all_names(&count);
            for (size_t i = 0; i < count; i++)
                snprintf(names + strlen(names), sizeof names - strlen(names), ", %s", known[i]);
            snprintf(err, n, "%s: unknown model '%s'; models: %s", label, tok, names);
            return -1;
        }
        if (sc->nmodels == SS_SCEN_MAX_MODELS || (all && sc->nmodels) || (sc->nmodels && !strcmp(sc->models[0], "all"))) {
            snprintf(err, n, "%s: give 'all' alone, or at most %d model names", label, SS_SCEN_MAX_MODELS);
            return -1;
        }
        snprintf(sc->models[sc->nmodels++], sizeof sc->models[0], "%s", tok);
    }
    if (!sc->nmodels) {
        snprintf(err, n, "%s needs at least one model name", label);
        return -1;
    }
    return 0;
}

/* "512", "64-4096" or "64,512,4096" */
static int set_size(ss_workload_opts *w, const keydef *k, const char *v, const char *label, char *err, size_t n)
{
    ss_size_spec s = {0};
    long a, b;
    const char *dash = strchr(v, '-'), *comma = strchr(v, ',');
    char part[64];
    if (comma) {
        for (const char *p = v; p; p = comma ? comma + 1 : NULL) { /* empty items are errors: no strtok */
            comma = strchr(p, ',');
            snprintf(part, sizeof part, "%.*s", comma ? (int)(comma - p) : (int)strlen(p), p);
            for (size_t e = strlen(part); e > 0 && part[e - 1] == ' '; e--)
                part[e - 1] = 0;
            if (s.nlist == SS_SIZE_LIST_MAX) {
                snprintf(err, n, "%s: at most %d sizes in a list", label, SS_SIZE_LIST_MAX);
                return -1;
            }
            if (ss_parse_long(part + strspn(part, " "), (long)k->min, (long)k->max, &a, label, err, n))
                return -1;
            s.list[s.nlist++] = (int)a;
        }
    } else if (dash && dash != v) {
        snprintf(part, sizeof part, "%.*s", (int)(dash - v), v);
        if (ss_parse_long(part, (long)k->min, (long)k->max, &a, label, err, n) ||
            ss_parse_long(dash + 1, (long)k->min, (long)k->max, &b, label, err, n))
            return -1;
        if (a > b) {
            snprintf(err, n, "%s: range %ld-%ld runs backwards (write MIN-MAX)", label, a, b);
            return -1;
        }
        s.min = (int)a;
        s.max = (int)b;
    } else {
        if (ss_parse_long(v, (long)k->min, (long)k->max, &a, label, err, n))
            return -1;
        w->size = (int)a;
    }
    if (s.nlist || s.max)
        w->size = s.nlist ? s.list[0] : s.min;
    w->sizes = s;
    return 0;
}

/* "all", "stagger:MS", "churn" or "churn:N" */
static int set_connect(ss_workload_opts *w, const keydef *k, const char *v, const char *label, char *err, size_t n)
{
    long m;
    if (strcmp(v, "all") == 0) {
        w->connect = SS_CONNECT_ALL;
    } else if (strncmp(v, "stagger:", 8) == 0) {
        if (ss_parse_double(v + 8, 0.001, k->max, &w->stagger_ms, label, err, n))
            return -1;
        w->connect = SS_CONNECT_STAGGER;
    } else if (strcmp(v, "churn") == 0 || strncmp(v, "churn:", 6) == 0) {
        if (v[5] == ':' && ss_parse_long(v + 6, 1, 100000000, &m, label, err, n))
            return -1;
        w->churn_messages = v[5] == ':' ? (int)m : 1;
        w->connect = SS_CONNECT_CHURN;
    } else {
        snprintf(err, n, "%s expects all, stagger:MS or churn[:N], got '%s'", label, v);
        return -1;
    }
    return 0;
}

static int set_enum(int *out, const char *const *names, const char *v, const char *label, char *err, size_t n)
{
    char list[120] = "";
    for (int i = 0; names[i]; i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? (names[i + 1] ? ", " : " or ") : "",
                 names[i]);
    }
    snprintf(err, n, "%s expects %s, got '%s'", label, list, v);
    return -1;
}

/* bits per second: "0", "250000", "500kbit", "10mbit", "1gbit" (kbps/mbps/gbps too) */
static int set_bandwidth(double *out, const keydef *k, const char *v, const char *label, char *err, size_t n)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    static const struct { const char *unit; double mul; } units[] = {
        {"", 1}, {"bit", 1}, {"bps", 1}, {"kbit", 1e3}, {"kbps", 1e3}, {"mbit", 1e6}, {"mbps", 1e6},
        {"gbit", 1e9}, {"gbps", 1e9}};
    for (size_t i = 0; end != v && !errno && i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(end, units[i].unit) != 0)
            continue;
        x *= units[i].mul;
        if (x == 0 || (x >= k->min && x <= k->max)) {
            *out = x;
            return 0;
        }
        break;
    }
    snprintf(err, n, "%s expects 0 (no limit) or a rate from 8kbit to 100gbit such as 500kbit, 10mbit or 1gbit, got '%s'",
             label, v);
    return -1;
}

static int apply(ss_scenario *sc, ss_model_opts *mo, const keydef *k, const char *v, int append, const char *label,
                 char *err, size_t n)
{
    void *f = field(sc, mo, k);
    long l;
    double d;
    if (!v || (!*v && k->kind != K_CAPTION)) {
        snprintf(err, n, "%s needs a value", label);
        return -1;
    }
    switch (k->kind) {
    case K_INT:
        if (ss_parse_long(v, (long)k->min, (long)k->max, &l, label, err, n)) return -1;
        *(int *)f = (int)l;
        return 0;
    case K_UINT:
        if (ss_parse_long(v, (long)k->min, (long)k->max, &l, label, err, n)) return -1;
        *(unsigned *)f = (unsigned)l;
        return 0;
    case K_DOUBLE:
        if (ss_parse_double(v, k->min, k->max, &d, label, err, n)) return -1;
        *(double *)f = d;
        return 0;
    case K_BOOL: return parse_bool(v, (int *)f, label, err, n);
    case K_U64: return parse_u64(v, (uint64_t *)f, label, err, n);
    case K_STR:
    case K_CAPTION: return set_text((char *)f, k->len, v, append, label, err, n);
    case K_MODELS: return set_models(sc, v, append, label, err, n);
    case K_SIZE: return set_size(&sc->w, k, v, label, err, n);
    case K_CONNECT: return set_connect(&sc->w, k, v, label, err, n);
    case K_ENUM: return set_enum((int *)f, k->names, v, label, err, n);
    case K_BANDWIDTH: return set_bandwidth((double *)f, k, v, label, err, n);
    }
    return -1;
}

static const keydef *find_key(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].pub.section, section) == 0 && strcmp(keys[i].pub.key, key) == 0)
            return &keys[i];
    return NULL;
}

static int known_section(const char *section)
{
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (strcmp(sections[i], section) == 0)
            return 1;
    return 0;
}

static void keys_of(const char *section, char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < NKEYS && used < n; i++)
        if (strcmp(keys[i].pub.section, section) == 0)
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? ", " : "", keys[i].pub.key);
}

/* Finds the key or explains why there is none. */
static const keydef *lookup(const char *section, const char *key, char *err, size_t n)
{
    if (!*section) {
        snprintf(err, n, "%s: keys belong in a section: [scenario], [clients], [special], [server] or [network]", key);
        return NULL;
    }
    if (!known_section(section)) {
        snprintf(err, n, "[%s] %s: unknown section [%s]; sections are scenario, clients, special, server, network "
                 "and claim NAME", section, key, section);
        return NULL;
    }
    const keydef *k = find_key(section, key);
    if (!k) {
        char list[400];
        keys_of(section, list, sizeof list);
        snprintf(err, n, "[%s] %s: unknown key; keys of [%s]: %s", section, key, section, list);
    }
    return k;
}

int ss_scenario_set(ss_scenario *sc, const char *section, const char *key, const char *value, const char *label,
                    char *err, size_t n)
{
    const keydef *k = lookup(section, key, err, n);
    if (!k)
        return -1;
    char own[64];
    snprintf(own, sizeof own, "[%s] %s", section, key);
    return apply(sc, &sc->mo, k, value, 0, label ? label : own, err, n);
}

int ss_model_opt_set(ss_model_opts *mo, const char *flag, const char *value, char *err, size_t n)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const keydef *k = &keys[i];
        if (k->base != B_MO || !k->pub.flag || strcmp(k->pub.flag, flag) != 0)
            continue;
        char label[64];
        snprintf(label, sizeof label, "--%s", flag);
        return apply(NULL, mo, k, k->pub.arg ? value : "true", 0, label, err, n);
    }
    snprintf(err, n, "--%s is not a model option", flag);
    return -1;
}

/* --- the file ----------------------------------------------------------------------- */
typedef struct parse_ctx {
    ss_scenario *sc;
    const char *name, *text;
    size_t len, pos;
    int line, indented;
    int err_line;
    char err[600];
} parse_ctx;

static void parse_fail(parse_ctx *p, const char *fmt, const char *arg)
{
    if (p->err_line)
        return;
    p->err_line = p->line;
    snprintf(p->err, sizeof p->err, fmt, arg);
}

/* inih asks for one line at a time: we count them, and refuse what inih would mangle */
static char *read_line(char *str, int num, void *stream)
{
    parse_ctx *p = stream;
    if (p->pos >= p->len || p->err_line)
        return NULL;
    const char *start = p->text + p->pos;
    const char *nl = memchr(start, '\n', p->len - p->pos);
    size_t n = nl ? (size_t)(nl - start) + 1 : p->len - p->pos;
    p->line++;
    char limit[32];
    snprintf(limit, sizeof limit, "%d", num - 2);
    if (memchr(start, '\0', n)) {
        parse_fail(p, "the line holds a NUL byte: is this a text file?%s", "");
        return NULL;
    }
    if (n > (size_t)num - 2) {
        parse_fail(p, "the line is longer than %s bytes: continue a long caption on indented lines", limit);
        return NULL;
    }
    memcpy(str, start, n);
    str[n] = 0;
    p->pos += n;
    p->indented = start[0] == ' ' || start[0] == '\t';
    return str;
}

/* --- [claim NAME] sections (sim/run/scenario_claims.h) ------------------------------ */
static int line_of(const ss_scenario *sc, const char *section, const char *key);

static const char *const claim_keys[] = {"check", "en", "ko", "else_en", "else_ko"};
#define NCLAIMKEYS (sizeof claim_keys / sizeof claim_keys[0])

static int is_claim_section(const char *section)
{
    return strncmp(section, "claim", 5) == 0 && (section[5] == ' ' || section[5] == '\t' || !section[5]);
}

static char *claim_field(ss_claim *c, size_t k, size_t *cap)
{
    *cap = k == 0 ? sizeof c->check : sizeof c->holds[0];
    return k == 0 ? c->check : k <= 2 ? c->holds[k - 1] : c->otherwise[k - 3];
}

/* the claim a [claim NAME] key belongs to: the current one, or a new one */
static ss_claim *claim_for(ss_scenario *sc, const char *name, const char *label, char *err, size_t n)
{
    size_t len = strlen(name);
    if (!len || len >= sizeof sc->claims[0].name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
        snprintf(err, n, "%s: a claim is named [claim NAME], NAME of at most %zu letters a-z, digits, '-' or '_'",
                 label, sizeof sc->claims[0].name - 1);
        return NULL;
    }
    ss_claim *last = sc->nclaims ? &sc->claims[sc->nclaims - 1] : NULL;
    if (last && strcmp(last->name, name) == 0)
        return last;
    for (int i = 0; i < sc->nclaims; i++)
        if (strcmp(sc->claims[i].name, name) == 0) {
            snprintf(err, n, "%s: claim '%s' is defined twice (first on line %d)", label, name, sc->claims[i].line[0]);
            return NULL;
        }
    if (sc->nclaims == SS_SCEN_MAX_CLAIMS) {
        snprintf(err, n, "%s: at most %d claims per scenario", label, SS_SCEN_MAX_CLAIMS);
        return NULL;
    }
    ss_claim *c = &sc->claims[sc->nclaims++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static int claim_key(ss_scenario *sc, const char *section, const char *key, const char *value, int line,
                     int indented, char *err, size_t n)
{
    const char *name = section + 5;
    name += strspn(name, " \t");
    char label[96];
    snprintf(label, sizeof label, "[claim %.32s] %.24s", name, key);
    ss_claim *c = claim_for(sc, name, label, err, n);
    if (!c)
        return -1;
    size_t k = 0;
    while (k < NCLAIMKEYS && strcmp(claim_keys[k], key) != 0)
        k++;
    if (k == NCLAIMKEYS) {
        snprintf(err, n, "%s: unknown key; keys of a claim: check, en, ko, else_en, else_ko", label);
        return -1;
    }
    if (indented && !c->line[k]) {
        snprintf(err, n, "%s: this line is indented, which continues the previous value (remove the indentation)",
                 label);
        return -1;
    }
    if (!indented && c->line[k]) {
        snprintf(err, n, "%s: set twice (first on line %d)", label, c->line[k]);
        return -1;
    }
    if (!*value) {
        snprintf(err, n, "%s needs a value", label);
        return -1;
    }
    size_t cap;
    char *dst = claim_field(c, k, &cap);
    if (set_text(dst, cap, value, indented, label, err, n) != 0)
        return -1;
    if (!indented)
        c->line[k] = line;
    return 0;
}

/* After the whole file: every claim complete, its check and every
 * placeholder (captions' too) naming known models and figures. */
static int check_claims(const ss_scenario *sc, char *err, size_t n)
{
    char why[512];
    static const char *const captions[] = {"caption_en", "caption_ko"};
    for (int l = 0; l < 2; l++) {
        const char *text = l ? sc->caption_ko : sc->caption_en;
        if (ss_claim_check_placeholders(sc, text, why, sizeof why) != 0) {
            snprintf(err, n, "%s:%d: [scenario] %s: %s", sc->path, line_of(sc, "scenario", captions[l]), captions[l], why);
            return -1;
        }
    }
    for (int i = 0; i < sc->nclaims; i++) {
        const ss_claim *c = &sc->claims[i];
        int first = 0;
        char missing[80] = "";
        for (size_t k = 0; k < NCLAIMKEYS; k++) {
            if (c->line[k] && (!first || c->line[k] < first))
                first = c->line[k];
            if (!c->line[k])
                snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s", missing[0] ? ", " : "",
                         claim_keys[k]);
        }
        if (missing[0]) {
            snprintf(err, n, "%s:%d: [claim %s]: %s missing: every claim needs check, en, ko, else_en (shown when "
                     "the run does not bear it out) and else_ko", sc->path, first, c->name, missing);
            return -1;
        }
        for (size_t k = 0; k < NCLAIMKEYS; k++) {
            size_t cap;
            const char *text = claim_field((ss_claim *)c, k, &cap);
            int bad = k == 0 ? ss_claim_check_syntax(sc, text, 1, why, sizeof why)
                             : ss_claim_check_placeholders(sc, text, why, sizeof why);
            if (bad) {
                snprintf(err, n, "%s:%d: [claim %s] %s: %s", sc->path, c->line[k], c->name, claim_keys[k], why);
                return -1;
            }
        }
    }
    return 0;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    parse_ctx *p = user;
    char err[500];
    if (p->err_line)
        return 1;
    if (is_claim_section(section)) {
        if (claim_key(p->sc, section, key, value, p->line, p->indented, err, sizeof err) == 0)
            return 1;
        parse_fail(p, "%s", err);
        return 0;
    }
    const keydef *k = lookup(section, key, err, sizeof err);
    if (!k) {
        parse_fail(p, "%s", err);
        return 0;
    }
    size_t idx = (size_t)(k - keys);
    char label[64];
    snprintf(label, sizeof label, "[%s] %s", section, key);
    int continues = k->kind == K_CAPTION || k->kind == K_MODELS;
    if (p->indented && (!continues || !p->sc->line[idx])) {
        snprintf(err, sizeof err, "%s: this line is indented, which continues the previous value; only captions "
                 "and model lists continue (remove the indentation)", label);
    } else if (!p->indented && p->sc->line[idx]) {
        snprintf(err, sizeof err, "%s: set twice (first on line %d)", label, p->sc->line[idx]);
    } else if (apply(p->sc, &p->sc->mo, k, value, p->indented, label, err, sizeof err) == 0) {
        if (!p->indented)
            p->sc->line[idx] = p->line;
        return 1;
    }
    parse_fail(p, "%s", err);
    return 0;
}

int ss_scenario_parse(ss_scenario *sc, const char *text, size_t len, const char *name, char *err, size_t n)
{
    parse_ctx p = {.sc = sc, .name = name, .text = text, .len = len};
    ss_scenario_defaults(sc);
    snprintf(sc->path, sizeof sc->path, "%s", name);
#ifdef SS_HAVE_INIH
    int rc = ini_parse_stream(read_line, &p, on_key, &p);
#else
    (void)read_line;
    (void)on_key;
    int rc = -2;
    snprintf(err, n, "%s: this build reads no scenario files (built without inih); use the equivalent flags", name);
    return -1;
#endif
    if (p.err_line && (rc <= 0 || rc >= p.err_line)) {
        snprintf(err, n, "%s:%d: %s", name, p.err_line, p.err);
        return -1;
    }
    if (rc > 0) {
        snprintf(err, n, "%s:%d: not 'key = value', '[section]' or a comment (; or #)", name, rc);
        return -1;
    }
    if (rc < 0) {
        snprintf(err, n, "%s: the INI reader ran out of memory", name);
        return -1;
    }
    if (check_claims(sc, err, n) != 0)
        return -1;
    return ss_scenario_validate(sc, err, n);
}

int ss_scenario_load(ss_scenario *sc, const char *path, char *err, size_t n)
{
    ss_scenario_defaults(sc);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, n, "%s: cannot open the scenario file: %s", path, strerror(errno));
        return -1;
    }
    char *text = malloc(MAX_FILE + 1);
    size_t len = text ? fread(text, 1, MAX_FILE + 1, f) : 0;
    int bad = !text || ferror(f) || len > MAX_FILE;
    fclose(f);
    if (bad) {
        snprintf(err, n, "%s: %s", path, !text ? "out of memory" : len > MAX_FILE ? "larger than 1 MiB: is this a scenario file?" : "read error");
        free(text);
        return -1;
    }
    int rc = ss_scenario_parse(sc, text, len, path, err, n);
    free(text);
    return rc;
}

/* --- checks and scaling ----------------------------------------------------------- */
static int line_of(const ss_scenario *sc, const char *section, const char *key)
{
    const keydef *k = find_key(section, key);
    return k ? sc->line[k - keys] : 0;
}

int ss_scenario_validate(const ss_scenario *sc, char *err, size_t n)
{
    const ss_special_opts *s = &sc->w.special;
    long special = (long)s->slow + s->nonreading + s->reset + s->halfclose;
    if (special <= sc->w.clients)
        return 0;
    static const char *const names[] = {"slow", "nonreading", "reset", "halfclose"};
    int line = line_of(sc, "clients", "count");
    for (int i = 0; i < 4; i++)
        if (line_of(sc, "special", names[i]) > line)
            line = line_of(sc, "special", names[i]);
    char where[600] = "";
    if (sc->path[0])
        snprintf(where, sizeof where, line ? "%s:%d: " : "%s: ", sc->path, line);
    snprintf(err, n, "%s[special] slow + nonreading + reset + halfclose = %ld, but there are only %d clients "
             "([clients] count): special clients are some of the clients", where, special, sc->w.clients);
    return -1;
}

static int scaled(int v, double f, int floor)
{
    double x = ceil((double)v * f);
    if (floor > v)
        floor = v;
    return x < floor ? floor : x > 1e8 ? 100000000 : (int)x;
}

void ss_scenario_scale(ss_scenario *sc, double f)
{
    if (!(f > 0) || f == 1 || sc->scale_mode == SS_SCALE_NONE)
        return;
    ss_workload_opts *w = &sc->w;
    const ss_special_opts *s = &w->special;
    int special = s->slow + s->nonreading + s->reset + s->halfclose;
    if (sc->scale_mode == SS_SCALE_ALL) {
        w->clients = scaled(w->clients, f, special + 1);
        w->idle = w->idle ? scaled(w->idle, f, 1) : 0;
    }
    w->messages = scaled(w->messages, f, 1);
}

void ss_scenario_print_flags(FILE *f, const char *section)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const ss_scen_key *k = &keys[i].pub;
        if (!k->flag || (section && strcmp(section, k->section) != 0))
            continue;
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", k->flag, k->arg ? " " : "", k->arg ? k->arg : "");
        if (strlen(left) > 28) /* a long value syntax gets a line of its own */
            fprintf(f, "  %s\n  %-28s %s\n", left, "", k->help);
        else
            fprintf(f, "  %-28s %s\n", left, k->help);
    }
}
