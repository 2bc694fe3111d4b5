/* scenario_claims.c — figures, the claim grammar, verdicts and the filled
 * caption (scenario_claims.h). One small recursive-descent evaluator serves
 * both the file check (names only, every figure reads 1) and the run. */
#include "sim/run/scenario_claims.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "sim/base/textwrap.h"

enum { EN = 0, KO = 1 };

/* --- figures ------------------------------------------------------------------ */
typedef struct figure {
    const char *name;
    int prec;                            /* decimals when shown */
    double (*get)(const ss_run_stats *r); /* NAN: not measured in this run */
    const char *meaning;
} figure;

static double cpu_ms(const ss_side *s) { return (double)(s->user_ns + s->sys_ns) / 1e6; }
static double or_nan(int ok, double v) { return ok ? v : NAN; }

static double f_rps(const ss_run_stats *r) { return ss_run_rps(r); }
static double f_requests(const ss_run_stats *r) { return (double)r->requests_ok; }
static double f_failed(const ss_run_stats *r) { return (double)r->requests_failed; }
static double f_refused(const ss_run_stats *r) { return (double)r->refused; }
static double f_trans(const ss_run_stats *r) { return or_nan(r->requests_ok > 0, ss_per_request(r, r->server.transitions)); }
static double f_calls(const ss_run_stats *r) { return or_nan(r->requests_ok > 0, ss_per_request(r, r->server.socket_calls)); }
static double f_etrans(const ss_run_stats *r) { return or_nan(r->requests_ok > 0, ss_per_request(r, r->emul.transitions)); }
static double f_threads(const ss_run_stats *r) { return (double)r->server.threads; }
static double f_ethreads(const ss_run_stats *r) { return (double)r->emul.threads; }
static double f_cpu(const ss_run_stats *r) { return cpu_ms(&r->server); }
static double f_ecpu(const ss_run_stats *r) { return cpu_ms(&r->emul); }
static double f_cpu_req(const ss_run_stats *r) { return or_nan(r->requests_ok > 0, cpu_ms(&r->server) * 1e3 / (double)r->requests_ok); }
static double f_blocked(const ss_run_stats *r) { return ss_side_blocked_pct(&r->server); }
static double f_wb(const ss_run_stats *r) { return (double)r->server.wouldblock; }
static double f_wb_req(const ss_run_stats *r) { return or_nan(r->requests_ok > 0, ss_per_request(r, r->server.wouldblock)); }
static double lat(const ss_run_stats *r, double pct) { return or_nan(ss_hist_count_of(r->latency) > 0, (double)ss_hist_pct_of(r->latency, pct) / 1e3); }
static double f_p50(const ss_run_stats *r) { return lat(r, 50); }
static double f_p99(const ss_run_stats *r) { return lat(r, 99); }
static double f_max(const ss_run_stats *r) { return or_nan(ss_hist_count_of(r->latency) > 0, (double)ss_hist_max_of(r->latency) / 1e3); }
static double f_overlap(const ss_run_stats *r) { return ss_run_overlap_pct(r) >= 0 ? ss_run_overlap_pct(r) : NAN; }
static double msg_wait(const ss_run_stats *r, double pct)
{
    return or_nan(ss_hist_count_of(r->msgs.socket_delay) > 0, (double)ss_hist_pct_of(r->msgs.socket_delay, pct) / 1e3);
}
static double f_msg50(const ss_run_stats *r) { return msg_wait(r, 50); }
static double f_msg99(const ss_run_stats *r) { return msg_wait(r, 99); }
static double f_msgmax(const ss_run_stats *r)
{
    return or_nan(ss_hist_count_of(r->msgs.socket_delay) > 0, (double)ss_hist_max_of(r->msgs.socket_delay) / 1e3);
}
static double f_behind(const ss_run_stats *r)
{
    uint64_t n = ss_hist_count_of(r->msgs.socket_delay);
    return or_nan(n > 0, 100.0 * (double)r->msgs.behind_ui / (double)n);
}

static const figure figures[] = {
    {"rps", 0, f_rps, "requests answered per second"},
    {"requests", 0, f_requests, "requests answered and verified"},
    {"failed", 0, f_failed, "requests not echoed back exactly"},
    {"refused", 0, f_refused, "connections the model turned away at its limit (FD_SETSIZE)"},
    {"trans_per_req", 2, f_trans, "the model's user/kernel transitions per request (a stand-in's: Windows-equivalent)"},
    {"calls_per_req", 2, f_calls, "the model's socket calls per request"},
    {"emul_trans_per_req", 2, f_etrans, "a Linux stand-in's emulation: transitions per request"},
    {"threads", 0, f_threads, "the model's threads"},
    {"emul_threads", 0, f_ethreads, "a Linux stand-in's emulation threads"},
    {"cpu_ms", 1, f_cpu, "the model's CPU time (user + system), ms"},
    {"cpu_us_per_req", 1, f_cpu_req, "the model's CPU time per request, µs"},
    {"emul_cpu_ms", 1, f_ecpu, "a Linux stand-in's emulation CPU time, ms"},
    {"blocked_pct", 1, f_blocked, "% of the model's thread time spent in calls that could block"},
    {"wouldblock", 0, f_wb, "the model's would-block returns (WSAEWOULDBLOCK / EWOULDBLOCK)"},
    {"wouldblock_per_req", 1, f_wb_req, "... per request"},
    {"p50_us", 0, f_p50, "request latency, median, µs"},
    {"p99_us", 0, f_p99, "request latency, 99th percentile, µs"},
    {"max_us", 0, f_max, "request latency, longest, µs"},
    {"overlap_pct", 1, f_overlap, "% of the model's request CPU work done while its own async I/O was in flight"},
    {"msg_wait_p50_us", 0, f_msg50, "async-select: socket message post -> dispatch, median, µs"},
    {"msg_wait_p99_us", 0, f_msg99, "async-select: socket message post -> dispatch, 99th percentile, µs"},
    {"msg_wait_max_us", 0, f_msgmax, "async-select: socket message post -> dispatch, longest, µs"},
    {"behind_ui_pct", 1, f_behind, "async-select: % of socket messages that waited while UI work ran"},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static const char *const variables[] = {"cpus", "clients", "messages", "idle", "cpu_us"};
#define NVARS (sizeof variables / sizeof variables[0])

size_t ss_claim_nfigures(void) { return NFIGURES; }

const char *ss_claim_figure(size_t i, const char **meaning)
{
    if (i >= NFIGURES)
        return NULL;
    if (meaning)
        *meaning = figures[i].meaning;
    return figures[i].name;
}

static const figure *find_figure(const char *name)
{
    for (size_t i = 0; i < NFIGURES; i++)
        if (strcmp(figures[i].name, name) == 0)
            return &figures[i];
    return NULL;
}

static const ss_run_stats *find_run(const ss_stats *st, const char *model)
{
    for (int i = 0; st && i < st->nruns; i++)
        if (strcmp(st->runs[i].meta.model, model) == 0)
            return &st->runs[i];
    return NULL;
}

/* a run parameter of the first run that has it, as a number */
static int run_param(const ss_stats *st, const char *key, double *v)
{
    for (int i = 0; st && i < st->nruns; i++) {
        const char *s = ss_run_param(&st->runs[i].meta, key);
        char *end;
        if (s && (*v = strtod(s, &end), end != s))
            return 1;
    }
    return 0;
}

int ss_claim_cpus(const ss_stats *st)
{
    double v;
    if (run_param(st, "cpus", &v) && v >= 1)
        return (int)v;
#ifdef _WIN32
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    long n = (long)si.dwNumberOfProcessors;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    return n > 0 ? (int)n : 1;
}

/* --- the grammar ------------------------------------------------------------------ */
typedef struct xp {
    const char *s;
    size_t i;
    const ss_scenario *sc; /* checking a file (names only), or before the run (with pre) */
    const ss_stats *st;    /* evaluating: the run's figures */
    int pre;               /* before the run: variables from sc, figures unknown */
    int prec;              /* decimals to show the value with: the first figure's (-1: none yet) */
    int integral;          /* only whole numbers so far */
    char missing[160];     /* why the value cannot be measured ("" = it can) */
    int nonfinite;         /* a side was not a finite number (a division by 0) */
    char err[512];
} xp;

static int is_name_char(char c, int dash) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-'); }

static void skip_ws(xp *x)
{
    while (x->s[x->i] == ' ' || x->s[x->i] == '\t')
        x->i++;
}

static int xfail(xp *x, const char *fmt, const char *a, const char *b)
{
    if (!x->err[0])
        snprintf(x->err, sizeof x->err, fmt, a, b);
    return -1;
}

static int known_model(const ss_scenario *sc, const char *name, char *why, size_t n)
{
    if (!ss_model_known(name)) {
        snprintf(why, n, "unknown model '%s'", name);
        return 0;
    }
    if (!sc || !sc->nmodels || strcmp(sc->models[0], "all") == 0)
        return 1;
    for (int i = 0; i < sc->nmodels; i++)
        if (strcmp(sc->models[i], name) == 0)
            return 1;
    snprintf(why, n, "model '%s' is not one of this scenario's models", name);
    return 0;
}

static void figure_list(char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < NFIGURES && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", figures[i].name);
}

static int model_figure(xp *x, const char *model, const char *fig, double *v)
{
    const figure *f = find_figure(fig);
    char why[120];
    if (!f) {
        char list[400];
        figure_list(list, sizeof list);
        snprintf(why, sizeof why, "unknown figure '%.40s' of %.40s", fig, model);
        return xfail(x, "%s; figures: %s", why, list);
    }
    if (x->prec < 0)
        x->prec = f->prec;
    x->integral = 0;
    if (x->pre) { /* before the run */
        *v = NAN;
        snprintf(x->missing, sizeof x->missing, "not measured yet");
        return 0;
    }
    if (!x->st) { /* checking a file */
        *v = 1;
        return known_model(x->sc, model, why, sizeof why) ? 0 : xfail(x, "%s%s", why, "");
    }
    const ss_run_stats *r = find_run(x->st, model);
    *v = r ? f->get(r) : NAN;
    if (!r && !x->missing[0])
        snprintf(x->missing, sizeof x->missing, "%s was not run", model);
    else if (isnan(*v) && !x->missing[0])
        snprintf(x->missing, sizeof x->missing, "%s:%s was not measured in this run", model, fig);
    return 0;
}

static int variable(xp *x, const char *name, double *v)
{
    size_t k = 0;
    while (k < NVARS && strcmp(variables[k], name) != 0)
        k++;
    if (k == NVARS)
        return xfail(x, "unknown name '%s': write MODEL:FIGURE (iocp:threads) or one of cpus, clients, messages, idle, "
                     "cpu_us%s",
                     name, "");
    if (x->prec < 0)
        x->prec = 0;
    *v = 1;
    if (x->pre) { /* before the run: the scenario's own values */
        const ss_scenario *sc = x->sc;
        double vals[] = {ss_claim_cpus(NULL), sc->w.clients, sc->w.messages, sc->w.idle, sc->mo.cpu_work_us};
        *v = vals[k];
        return 0;
    }
    if (!x->st)
        return 0;
    if (k == 0)
        *v = ss_claim_cpus(x->st);
    else if (!run_param(x->st, name, v))
        *v = k == 3 ? 0 : NAN; /* a run records idle only when there are idle connections */
    if (isnan(*v) && !x->missing[0])
        snprintf(x->missing, sizeof x->missing, "the run does not record '%s'", name);
    return 0;
}

static int sum(xp *x, double *v);

/* min(A, B, ...) and max(A, B, ...): "every model" claims in one check */
static int function(xp *x, const char *name, double *v)
{
    int is_min = strcmp(name, "min") == 0;
    if (!is_min && strcmp(name, "max") != 0)
        return xfail(x, "unknown function '%s': the functions are min(...) and max(...)%s", name, "");
    x->i++; /* '(' */
    int have = 0, unknown = 0;
    for (;;) {
        double a;
        if (sum(x, &a) != 0)
            return -1;
        unknown |= isnan(a) != 0; /* one value not measured: neither min nor max is known */
        if (!isnan(a) && (!have || (is_min ? a < *v : a > *v)))
            *v = a;
        have |= !isnan(a);
        skip_ws(x);
        char c = x->s[x->i];
        if (c == ')') {
            x->i++;
            if (unknown || !have)
                *v = NAN;
            return 0;
        }
        if (c != ',')
            return xfail(x, "%s(...) takes values separated by commas, closed by ')': at '%s'", name, x->s + x->i);
        x->i++;
    }
}

static int atom(xp *x, double *v)
{
    skip_ws(x);
    const char *p = x->s + x->i;
    if (*p == '(') {
        x->i++;
        if (sum(x, v) != 0)
            return -1;
        skip_ws(x);
        if (x->s[x->i] != ')')
            return xfail(x, "a ')' is missing at '%s'%s", x->s + x->i, "");
        x->i++;
        return 0;
    }
    if (*p == '-') {
        x->i++;
        if (atom(x, v) != 0)
            return -1;
        *v = -*v;
        return 0;
    }
    if ((*p >= '0' && *p <= '9') || *p == '.') {
        size_t n = strspn(p, "0123456789.");
        char num[32];
        snprintf(num, sizeof num, "%.*s", (int)(n < 31 ? n : 31), p);
        char *end;
        *v = strtod(num, &end);
        if (*end || n > 30)
            return xfail(x, "'%s' is not a number%s", num, "");
        x->integral &= *v == floor(*v);
        x->i += n;
        return 0;
    }
    if (!is_name_char(*p, 0) || (*p >= '0' && *p <= '9'))
        return xfail(x, *p ? "expected a number, MODEL:FIGURE or a variable at '%s'%s" : "an expression ends too soon%s%s",
                     p, "");
    size_t n = 0;
    while (is_name_char(p[n], 1))
        n++;
    char name[64], fig[64];
    if (p[n] == ':') { /* MODEL:FIGURE (model names may hold dashes) */
        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
        size_t m = 0;
        while (is_name_char(p[n + 1 + m], 0))
            m++;
        snprintf(fig, sizeof fig, "%.*s", (int)(m < 63 ? m : 63), p + n + 1);
        x->i += n + 1 + m;
        return model_figure(x, name, fig, v);
    }
    n = 0;
    while (is_name_char(p[n], 0))
        n++;
    snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
    x->i += n;
    skip_ws(x);
    if (x->s[x->i] == '(')
        return function(x, name, v);
    return variable(x, name, v);
}

static int product(xp *x, double *v)
{
    if (atom(x, v) != 0)
        return -1;
    for (;;) {
        skip_ws(x);
        char op = x->s[x->i];
        if (op != '*' && op != '/')
            return 0;
        x->i++;
        double r;
        if (atom(x, &r) != 0)
            return -1;
        *v = op == '*' ? *v * r : *v / r;
        if (op == '/')
            x->integral = 0;
    }
}

static int sum(xp *x, double *v)
{
    if (product(x, v) != 0)
        return -1;
    for (;;) {
        skip_ws(x);
        char op = x->s[x->i];
        if (op != '+' && op != '-')
            return 0;
        x->i++;
        double r;
        if (product(x, &r) != 0)
            return -1;
        *v = op == '+' ? *v + r : *v - r;
    }
}

static void fmt_num(double v, int prec, char *out, size_t n)
{
    if (isnan(v)) {
        snprintf(out, n, "n/a");
        return;
    }
    if (prec > 0 || fabs(v) < 10000) {
        snprintf(out, n, "%.*f", prec, v);
        return;
    }
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", fabs(v)); /* 12345 -> 12,345: easier to read aloud */
    size_t len = strlen(digits), o = 0;
    if (v < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
}

typedef enum { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ } cmp_op;
static const char *const op_text[] = {"<", "<=", ">", ">=", "=="};

/* one comparison A OP B; *ok gets its truth, shown its values ("5 <= 5") */
static int compare_one(xp *x, int *ok, double *l, double *r, char *shown, size_t n)
{
    cmp_op op;
    int lp, rp;
    x->prec = -1;
    x->integral = 1;
    if (sum(x, l) != 0)
        return -1;
    lp = x->prec >= 0 ? x->prec : x->integral ? 0 : 2;
    skip_ws(x);
    const char *p = x->s + x->i;
    if (p[0] == '<' || p[0] == '>') {
        op = p[1] == '=' ? (p[0] == '<' ? OP_LE : OP_GE) : (p[0] == '<' ? OP_LT : OP_GT);
        x->i += p[1] == '=' ? 2 : 1;
    } else if (p[0] == '=' && p[1] == '=') {
        op = OP_EQ;
        x->i += 2;
    } else {
        return xfail(x, *p ? "expected a comparison (<, <=, >, >=, ==) at '%s'%s" : "a check compares two sides: "
                     "A < B, A <= B, A > B, A >= B or A == B%s%s", p, "");
    }
    x->prec = -1;
    x->integral = 1;
    if (sum(x, r) != 0)
        return -1;
    rp = x->prec >= 0 ? x->prec : x->integral ? 0 : 2;
    x->nonfinite |= !isfinite(*l) || !isfinite(*r);
    *ok = op == OP_LT ? *l < *r : op == OP_LE ? *l <= *r : op == OP_GT ? *l > *r : op == OP_GE ? *l >= *r : *l == *r;
    char a[40], b[40];
    fmt_num(*l, lp, a, sizeof a);
    fmt_num(*r, rp, b, sizeof b);
    size_t used = strlen(shown);
    snprintf(shown + used, n - used, "%s%s %s %s", used ? "; " : "", a, op_text[op], b);
    return 0;
}

/* COMPARISON [and COMPARISON ...]: holds when every one holds */
static int comparison(xp *x, int *ok, double *l, double *r, char *shown, size_t n)
{
    *ok = 1;
    shown[0] = 0;
    for (;;) {
        int one;
        double a, b;
        if (compare_one(x, &one, &a, &b, shown, n) != 0)
            return -1;
        if (*ok) { /* the values of the first comparison that fails, else the last */
            *l = a;
            *r = b;
        }
        *ok &= one;
        skip_ws(x);
        const char *p = x->s + x->i;
        if (strncmp(p, "and", 3) == 0 && (p[3] == ' ' || p[3] == '\t')) {
            x->i += 3;
            continue;
        }
        if (*p)
            return xfail(x, "unexpected '%s' after the check (join comparisons with 'and')%s", p, "");
        return 0;
    }
}

static int single(xp *x, double *v, int *prec)
{
    x->prec = -1;
    x->integral = 1;
    if (sum(x, v) != 0)
        return -1;
    skip_ws(x);
    if (x->s[x->i])
        return xfail(x, "unexpected '%s' in a placeholder%s", x->s + x->i, "");
    *prec = x->prec >= 0 ? x->prec : x->integral ? 0 : 2;
    return 0;
}

int ss_claim_check_syntax(const ss_scenario *sc, const char *text, int is_comparison, char *err, size_t n)
{
    xp x = {.s = text, .sc = sc};
    double l, r;
    int ok, lp;
    char shown[400];
    int rc = is_comparison ? comparison(&x, &ok, &l, &r, shown, sizeof shown) : single(&x, &l, &lp);
    if (rc != 0)
        snprintf(err, n, "%s", x.err);
    return rc;
}

/* Walks the placeholders of text: fn gets each one's inside; literal text
 * (with "{{" and "}}" as single braces) goes to lit. */
typedef int (*hole_fn)(void *ud, const char *expr);
typedef void (*lit_fn)(void *ud, const char *s, size_t n);

static int walk_text(const char *text, hole_fn hole, lit_fn lit, void *ud, char *err, size_t n)
{
    for (const char *p = text; *p;) {
        size_t run = strcspn(p, "{}");
        lit(ud, p, run);
        p += run;
        if (!*p)
            break;
        if (p[1] == p[0]) { /* "{{" or "}}" */
            lit(ud, p, 1);
            p += 2;
            continue;
        }
        const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            snprintf(err, n, p[0] == '{' ? "a '{' is not closed: write {MODEL:FIGURE}, or {{ for a brace"
                                         : "a '}' closes nothing: write }} for a brace");
            return -1;
        }
        char expr[200];
        snprintf(expr, sizeof expr, "%.*s", (int)(close - p - 1), p + 1);
        if (hole(ud, expr) != 0)
            return -1;
        p = close + 1;
    }
    return 0;
}

typedef struct check_ctx {
    const ss_scenario *sc;
    char *err;
    size_t n;
} check_ctx;

static int check_hole(void *ud, const char *expr)
{
    check_ctx *c = ud;
    char why[512];
    if (ss_claim_check_syntax(c->sc, expr, 0, why, sizeof why) == 0)
        return 0;
    snprintf(c->err, c->n, "in {%s}: %s", expr, why);
    return -1;
}

static void no_lit(void *ud, const char *s, size_t n) { (void)ud, (void)s, (void)n; }

int ss_claim_check_placeholders(const ss_scenario *sc, const char *text, char *err, size_t n)
{
    check_ctx c = {sc, err, n};
    return walk_text(text, check_hole, no_lit, &c, err, n);
}

/* --- verdicts ------------------------------------------------------------------------- */
void ss_claim_eval(const ss_claim *c, const ss_stats *st, ss_claim_result *out)
{
    memset(out, 0, sizeof *out);
    xp x = {.s = c->check, .st = st};
    int ok;
    if (comparison(&x, &ok, &out->lhs, &out->rhs, out->shown, sizeof out->shown) != 0) {
        out->verdict = SS_CLAIM_UNMEASURED;
        snprintf(out->why, sizeof out->why, "%.150s", x.err); /* a check the file reader did not see */
        return;
    }
    if (x.missing[0] || x.nonfinite) {
        out->verdict = SS_CLAIM_UNMEASURED;
        snprintf(out->why, sizeof out->why, "%s", x.missing[0] ? x.missing : "a figure it divides by was 0");
        return;
    }
    out->verdict = ok ? SS_CLAIM_HOLDS : SS_CLAIM_FAILS;
}

/* --- the filled caption ------------------------------------------------------------------ */
typedef struct fill_ctx {
    const ss_scenario *sc;
    const ss_stats *st; /* NULL: before the run */
    char *out;
    size_t n, len;
} fill_ctx;

/* appends, never cutting a UTF-8 character in two */
static void put(fill_ctx *f, const char *s, size_t n)
{
    if (!f->n)
        return;
    size_t room = f->n - 1 - f->len;
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(f->out + f->len, s, n);
    f->len += n;
    f->out[f->len] = 0;
}

static void fill_lit(void *ud, const char *s, size_t n) { put(ud, s, n); }

static int fill_hole(void *ud, const char *expr)
{
    fill_ctx *f = ud;
    char num[40];
    xp x = {.s = expr, .st = f->st, .sc = f->sc, .pre = !f->st};
    double v;
    int prec = 0;
    if (single(&x, &v, &prec) != 0 || x.missing[0])
        v = NAN;
    fmt_num(v, prec, num, sizeof num);
    if (!f->st && isnan(v)) /* a figure not measured yet */
        snprintf(num, sizeof num, "…");
    put(f, num, strlen(num));
    return 0;
}

static void fill_text(fill_ctx *f, const char *text)
{
    char err[200];
    walk_text(text, fill_hole, fill_lit, f, err, sizeof err); /* the file was checked when read */
}

static int lang_index(const char *lang) { return lang && strcmp(lang, "ko") == 0 ? KO : EN; }

static const char *caption_of(const ss_scenario *sc, int li)
{
    const char *c = li == KO ? sc->caption_ko : sc->caption_en;
    return c[0] ? c : li == KO ? sc->caption_en : sc->caption_ko;
}

/* the sentence a claim contributes ("" when it cannot be measured) */
static const char *claim_sentence(const ss_claim *c, const ss_stats *st, int li)
{
    if (!st)
        return ""; /* before the run nothing is claimed */
    ss_claim_result res;
    ss_claim_eval(c, st, &res);
    return res.verdict == SS_CLAIM_HOLDS ? c->holds[li] : res.verdict == SS_CLAIM_FAILS ? c->otherwise[li] : "";
}

size_t ss_caption_fill(const ss_scenario *sc, const ss_stats *st, const char *lang, char *out, size_t n)
{
    fill_ctx f = {sc, st, out, n, 0};
    int li = lang_index(lang);
    if (n)
        out[0] = 0;
    fill_text(&f, caption_of(sc, li));
    for (int i = 0; i < sc->nclaims; i++) {
        const char *s = claim_sentence(&sc->claims[i], st, li);
        if (!*s)
            continue;
        if (f.len)
            put(&f, " ", 1);
        fill_text(&f, s);
    }
    return f.len;
}

void ss_claims_print(FILE *f, const ss_scenario *sc, const ss_stats *st, const char *lang)
{
    int li = lang_index(lang);
    static const char *const head[2][2] = {{"scenario %s, as this run measured it:\n", "its claims, checked against this run:\n"},
                                           {"시나리오 %s, 이번 실행에서 측정한 결과:\n", "설명이 내세운 주장, 이번 실행으로 확인:\n"}};
    static const char *const verdict[2][3] = {{"holds", "does not hold", "not measured"}, {"성립", "성립하지 않음", "측정 안 됨"}};
    char *text = malloc(8192);
    if (!text)
        return;
    fill_ctx fc = {sc, st, text, 8192, 0};
    text[0] = 0;
    fill_text(&fc, caption_of(sc, li));
    fprintf(f, head[li][0], sc->name[0] ? sc->name : sc->path);
    ss_print_wrapped(f, "  ", "  ", text, 78);
    for (int i = 0; i < sc->nclaims; i++) {
        const char *s = claim_sentence(&sc->claims[i], st, li);
        if (!*s)
            continue;
        fc.len = 0;
        text[0] = 0;
        fill_text(&fc, s);
        ss_print_wrapped(f, "  - ", "    ", text, 78);
    }
    free(text);
    if (!sc->nclaims)
        return;
    fprintf(f, "%s", head[li][1]);
    for (int i = 0; i < sc->nclaims; i++) {
        ss_claim_result r;
        ss_claim_eval(&sc->claims[i], st, &r);
        const char *v = verdict[li][r.verdict];
        fprintf(f, "  [%s] %s: %s", v, sc->claims[i].name, sc->claims[i].check);
        if (r.verdict == SS_CLAIM_UNMEASURED)
            fprintf(f, " (%s)\n", r.why);
        else
            fprintf(f, "   %s: %s\n", li == KO ? "측정값" : "measured", r.shown);
    }
}
