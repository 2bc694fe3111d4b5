/* The scenario parser: every key reaches its field, every error names the
 * file, the line and the key, random input never crashes it, and every
 * shipped preset parses with both captions. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/rng.h"
#include "sim/run/scenario.h"
#include "sim/run/scenario_claims.h"
#include "testutil.h"

/* clang-format off */
static const char every_key[] =
    "; every key, none at its default\n"
    "[scenario]\n"
    "name = everything\n"
    "caption_en = first line\n"
    "  second line\n"
    "caption_ko = 한국어 설명\n"
    "models = select, epoll\n"
    "  io_uring\n"
    "seed = 18446744073709551615\n"
    "[clients]\n"
    "count = 12\n"
    "messages = 34\n"
    "size = 64,512,4096\n"
    "think_ms = 1.5\n"
    "connect = churn:3\n"
    "idle = 7\n"
    "mode = events\n"
    "threads = 3\n"
    "timeout_s = 9\n"
    "rcvbuf = 8192\n"
    "hold_open = yes\n"
    "expect_refusals = on\n"
    "scale = messages\n"
    "[special]\n"
    "slow = 1\n"
    "slow_chunk = 8\n"
    "slow_delay_ms = 2.5\n"
    "nonreading = 2\n"
    "hold_ms = 250\n"
    "nonreading_rcvbuf = 2048\n"
    "reset = 3\n"
    "reset_after = 4\n"
    "halfclose = 1\n"
    "[server]\n"
    "cpu_us = 100\n"
    "fd_setsize = 64\n"
    "edge_triggered = true\n"
    "sqpoll = 1\n"
    "workers = 4\n"
    "rcvbuf = 4096\n"
    "sndbuf = 4096\n"
    "nodelay = yes\n"
    "ui_rate = 250\n"
    "ui_cost_us = 2000\n"
    "[network]\n"
    "latency_ms = 25\n"
    "jitter_ms = 5\n"
    "bandwidth = 10mbit\n"
    "relay_threads = 3\n"
    "[claim demo]\n"
    "check = select:trans_per_req < 2 * epoll:trans_per_req and\n"
    "  min(select:threads, epoll:threads) >= cpus - 1\n"
    "en = select makes {select:trans_per_req}, {{not a placeholder}}\n"
    "  and goes on\n"
    "ko = 한국어 {cpus}\n"
    "else_en = not so\n"
    "else_ko = 아니다\n";

static int parse(ss_scenario *sc, const char *text, char *err)
{
    return ss_scenario_parse(sc, text, strlen(text), "t.ini", err, 600);
}
/* clang-format on */

static void every_key_reaches_its_field(void **state)
{
    (void)state;
    ss_scenario sc;
    char err[600] = "";
    if (parse(&sc, every_key, err) != 0)
        fail_msg("%s", err);
    const ss_workload_opts *w = &sc.w;
    const ss_special_opts *s = &w->special;
    assert_string_equal(sc.name, "everything");
    assert_string_equal(sc.caption_en, "first line second line");
    assert_string_equal(sc.caption_ko, "한국어 설명");
    assert_int_equal(sc.nmodels, 3);
    assert_string_equal(sc.models[2], "io_uring");
    assert_true(w->seed == UINT64_MAX);
    assert_int_equal(w->clients, 12);
    assert_int_equal(w->messages, 34);
    assert_int_equal(w->sizes.nlist, 3);
    assert_int_equal(w->sizes.list[2], 4096);
    assert_true(w->think_ms == 1.5);
    assert_int_equal(w->connect, SS_CONNECT_CHURN);
    assert_int_equal(w->churn_messages, 3);
    assert_int_equal(w->idle, 7);
    assert_int_equal(w->mode, SS_CLIENTS_EVENTS);
    assert_int_equal(w->event_threads, 3);
    assert_int_equal(w->timeout_s, 9);
    assert_int_equal(w->rcvbuf, 8192);
    assert_true(w->hold_open && w->expect_refusals);
    assert_int_equal(s->slow, 1);
    assert_int_equal(s->slow_chunk, 8);
    assert_true(s->slow_delay_ms == 2.5);
    assert_int_equal(s->nonreading, 2);
    assert_true(s->hold_ms == 250);
    assert_int_equal(s->nonreading_rcvbuf, 2048);
    assert_int_equal(s->reset, 3);
    assert_int_equal(s->reset_after, 4);
    assert_int_equal(s->halfclose, 1);
    assert_int_equal(sc.mo.cpu_work_us, 100);
    assert_int_equal(sc.mo.fd_setsize, 64);
    assert_true(sc.mo.edge_triggered && sc.mo.sqpoll);
    assert_int_equal(sc.mo.workers, 4);
    assert_int_equal(sc.mo.rcvbuf, 4096);
    assert_int_equal(sc.mo.sndbuf, 4096);
    assert_true(sc.mo.nodelay);
    assert_int_equal(sc.mo.ui_rate, 250);
    assert_int_equal(sc.mo.ui_cost_us, 2000);
    assert_true(w->link.latency_ms == 25 && w->link.jitter_ms == 5);
    assert_true(w->link.bandwidth_bps == 10e6);
    assert_int_equal(w->link.threads, 3);
    assert_int_equal(sc.scale_mode, SS_SCALE_MESSAGES);
    assert_int_equal(sc.nclaims, 1);
    const ss_claim *c = &sc.claims[0];
    assert_string_equal(c->name, "demo");
    assert_string_equal(c->check, "select:trans_per_req < 2 * epoll:trans_per_req and min(select:threads, "
                                  "epoll:threads) >= cpus - 1");
    assert_string_equal(c->holds[0], "select makes {select:trans_per_req}, {{not a placeholder}} and goes on");
    assert_string_equal(c->holds[1], "한국어 {cpus}");
    assert_string_equal(c->otherwise[0], "not so");
    assert_string_equal(c->otherwise[1], "아니다");
}

/* the keys the test above sets are all the keys there are */
static void the_test_covers_the_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ss_scenario_nkeys(); i++) {
        const ss_scen_key *k = ss_scenario_key(i);
        char line[64];
        snprintf(line, sizeof line, "\n%s = ", k->key);
        char section[64];
        snprintf(section, sizeof section, "[%s]", k->section);
        const char *sec = strstr(every_key, section);
        assert_non_null(sec);
        const char *next = strstr(sec + 1, "\n[");
        const char *hit = strstr(sec, line);
        if (!hit || (next && hit > next))
            fail_msg("[%s] %s is missing from every_key", k->section, k->key);
        assert_non_null(k->help);
    }
}

static void values_in_other_forms(void **state)
{
    (void)state;
    ss_scenario sc;
    char err[600];
    assert_int_equal(parse(&sc, "[clients]\nsize = 64-4096\nconnect = stagger:12.5\nmode = auto\n"
                                "[network]\nbandwidth = 500kbit\n[scenario]\nmodels = all\n", err), 0);
    assert_int_equal(sc.w.sizes.min, 64);
    assert_int_equal(sc.w.sizes.max, 4096);
    assert_int_equal(sc.w.connect, SS_CONNECT_STAGGER);
    assert_true(sc.w.stagger_ms == 12.5);
    assert_true(sc.w.link.bandwidth_bps == 500e3);
    assert_string_equal(sc.models[0], "all");
    assert_int_equal(parse(&sc, "[clients]\nsize = 100\nconnect = churn\n[network]\nbandwidth = 0\n", err), 0);
    assert_int_equal(sc.w.size, 100);
    assert_int_equal(sc.w.sizes.max, 0);
    assert_int_equal(sc.w.churn_messages, 1);
    assert_true(sc.w.link.bandwidth_bps == 0);
    /* defaults are `sockscope run`'s */
    assert_int_equal(parse(&sc, "", err), 0);
    assert_int_equal(sc.w.clients, 20);
    assert_int_equal(sc.w.messages, 200);
    assert_int_equal(sc.w.size, 512);
}

typedef struct bad_case {
    const char *text, *expect; /* expect: "t.ini:LINE: ..." prefix and a distinctive part */
} bad_case;

/* clang-format off */
static const bad_case bad[] = {
    {"[clients]\ncount = 5\nwhat = 1\n", "t.ini:3: [clients] what: unknown key; keys of [clients]: count"},
    {"[client]\ncount = 5\n", "t.ini:2: [client] count: unknown section [client]"},
    {"count = 5\n", "t.ini:1: count: keys belong in a section"},
    {"[clients]\ncount = 5\ncount = 6\n", "t.ini:3: [clients] count: set twice (first on line 2)"},
    {"[clients]\ncount = 5\n  messages = 3\n", "t.ini:3: [clients] count: this line is indented"},
    {"[clients]\n  count = 5\n", "t.ini:2: [clients] count: this line is indented"},
    {"[clients]\ncount = many\n", "t.ini:2: [clients] count expects a whole number from 1 to 100000, got 'many'"},
    {"[clients]\ncount = 0\n", "t.ini:2: [clients] count expects a whole number from 1 to 100000"},
    {"[clients]\ncount = 100001\n", "t.ini:2: [clients] count expects a whole number"},
    {"[clients]\ncount =\n", "t.ini:2: [clients] count needs a value"},
    {"[clients]\nthink_ms = soon\n", "t.ini:2: [clients] think_ms expects a number from 0 to 60000"},
    {"[clients]\nthink_ms = -1\n", "t.ini:2: [clients] think_ms expects a number"},
    {"[clients]\nhold_open = maybe\n", "t.ini:2: [clients] hold_open expects true or false"},
    {"[scenario]\nseed = -1\n", "t.ini:2: [scenario] seed expects a whole number from 0 to"},
    {"[scenario]\nseed = 99999999999999999999\n", "t.ini:2: [scenario] seed expects a whole number"},
    {"[scenario]\ncaption_en = \xff\xfe\n", "t.ini:2: [scenario] caption_en is not valid UTF-8"},
    {"[scenario]\nname = \xc3\n", "t.ini:2: [scenario] name is not valid UTF-8"},
    {"[scenario]\nname = a-very-long-name-that-goes-on-and-on-past-the-sixty-three-bytes-a-name-may-have\n",
     "t.ini:2: [scenario] name is too long (at most 63 bytes)"},
    {"[scenario]\nmodels = select, magic\n", "t.ini:2: [scenario] models: unknown model 'magic'; models: all,"},
    {"[scenario]\nmodels = all, select\n", "t.ini:2: [scenario] models: give 'all' alone"},
    {"[scenario]\nmodels = select, all\n", "t.ini:2: [scenario] models: give 'all' alone"},
    {"[scenario]\nmodels = ,\n", "t.ini:2: [scenario] models needs at least one model name"},
    {"[scenario]\nmodels = select,select,select,select,select,select,select,select,select,select,select,"
     "select,select,select,select,select,select\n", "t.ini:2: [scenario] models: give 'all' alone, or at most 16"},
    {"[clients]\nsize = 4096-64\n", "t.ini:2: [clients] size: range 4096-64 runs backwards"},
    {"[clients]\nsize = 0\n", "t.ini:2: [clients] size expects a whole number from 1 to 16777216"},
    {"[clients]\nsize = 64-lots\n", "t.ini:2: [clients] size expects a whole number"},
    {"[clients]\nsize = 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n", "t.ini:2: [clients] size: at most 16 sizes"},
    {"[clients]\nsize = 64,,512\n", "t.ini:2: [clients] size expects a whole number"},
    {"[clients]\nconnect = sometimes\n", "t.ini:2: [clients] connect expects all, stagger:MS or churn[:N]"},
    {"[clients]\nconnect = stagger:0\n", "t.ini:2: [clients] connect expects a number from 0.001 to 60000"},
    {"[clients]\nconnect = churn:x\n", "t.ini:2: [clients] connect expects a whole number from 1"},
    {"[clients]\nconnect = churnx\n", "t.ini:2: [clients] connect expects all, stagger:MS or churn[:N]"},
    {"[clients]\nmode = fast\n", "t.ini:2: [clients] mode expects auto, threads or events"},
    {"[network]\nbandwidth = fast\n", "t.ini:2: [network] bandwidth expects 0 (no limit) or a rate"},
    {"[network]\nbandwidth = 10furlongs\n", "t.ini:2: [network] bandwidth expects 0"},
    {"[network]\nbandwidth = 100bit\n", "t.ini:2: [network] bandwidth expects 0 (no limit) or a rate from 8kbit"},
    {"[network]\nlatency_ms = 10001\n", "t.ini:2: [network] latency_ms expects a number from 0 to 10000"},
    {"[server]\nfd_setsize = 1\n", "t.ini:2: [server] fd_setsize expects a whole number from 2 to 1024"},
    {"[server]\nedge_triggered = 2\n", "t.ini:2: [server] edge_triggered expects true or false"},
    {"[clients]\nscale = half\n", "t.ini:2: [clients] scale expects all, messages or none, got 'half'"},
    {"[special]\nreset_after = 0\n", "t.ini:2: [special] reset_after expects a whole number from 1"},
    {"[clients]\ncount = 3\n[special]\nslow = 2\nreset = 2\n",
     "t.ini:5: [special] slow + nonreading + reset + halfclose = 4, but there are only 3 clients"},
    {"[clients]\ncount 5\n", "t.ini:2: not 'key = value', '[section]' or a comment"},
    {"[clients\ncount = 5\n", "t.ini:1: not 'key = value', '[section]' or a comment"},
    {"[clients]\nname = \"x\0y\"\n", "t.ini:2: the line holds a NUL byte"},
    /* claims */
    {"[claim x]\ncheck = iocp:threads < 2\n", "t.ini:2: [claim x]: en, ko, else_en, else_ko missing"},
    {"[claim x]\ncheck = iocp:thread < 2CLAIM", "t.ini:2: [claim x] check: unknown figure 'thread' of iocp; figures: rps,"},
    {"[claim x]\ncheck = iocpp:threads < 2CLAIM", "t.ini:2: [claim x] check: unknown model 'iocpp'"},
    {"[scenario]\nmodels = select\n[claim x]\ncheck = iocp:threads < 2CLAIM",
     "t.ini:4: [claim x] check: model 'iocp' is not one of this scenario's models"},
    {"[claim x]\nwhy = 1\n", "t.ini:2: [claim x] why: unknown key; keys of a claim: check, en, ko, else_en, else_ko"},
    {"[claim X!]\ncheck = cpus > 1\n", "t.ini:2: [claim X!] check: a claim is named [claim NAME]"},
    {"[claim]\ncheck = cpus > 1\n", "t.ini:2: [claim ] check: a claim is named [claim NAME]"},
    {"[claim x]\ncheck = iocp:threads <CLAIM", "t.ini:2: [claim x] check: an expression ends too soon"},
    {"[claim x]\ncheck = iocp:threadsCLAIM", "t.ini:2: [claim x] check: a check compares two sides"},
    {"[claim x]\ncheck = cores > 1CLAIM", "t.ini:2: [claim x] check: unknown name 'cores'"},
    {"[claim x]\ncheck = avg(cpus) > 1CLAIM", "t.ini:2: [claim x] check: unknown function 'avg'"},
    {"[claim x]\ncheck = max(cpus; 2) > 1CLAIM", "t.ini:2: [claim x] check: max(...) takes values separated by commas"},
    {"[claim x]\ncheck = (cpus > 1CLAIM", "t.ini:2: [claim x] check: a ')' is missing"},
    {"[claim x]\ncheck = cpus > 1 or cpus < 9CLAIM", "t.ini:2: [claim x] check: unexpected 'or cpus < 9' after the check"},
    {"[claim x]\ncheck = 1.2.3 > 1CLAIM", "t.ini:2: [claim x] check: '1.2.3' is not a number"},
    {"[claim x]\ncheck = cpus > 1\ncheck = cpus > 2\n", "t.ini:3: [claim x] check: set twice (first on line 2)"},
    {"[claim x]\ncheck = cpus > 1\n[claim y]\ncheck = cpus > 1\n[claim x]\nen = a\n",
     "t.ini:6: [claim x] en: claim 'x' is defined twice (first on line 2)"},
    {"[claim x]\n  check = cpus > 1\n", "t.ini:2: [claim x] check: this line is indented"},
    {"[claim x]\ncheck = cpus > 1\nen = {iocp:nope}\nko = b\nelse_en = c\nelse_ko = d\n",
     "t.ini:3: [claim x] en: in {iocp:nope}: unknown figure 'nope' of iocp"},
    {"[claim x]\ncheck = cpus > 1\nen = a\nko = b\nelse_en = {cpus\nelse_ko = d\n",
     "t.ini:5: [claim x] else_en: a '{' is not closed"},
    {"[scenario]\nname = n\ncaption_en = {iocp:nope}\n", "t.ini:3: [scenario] caption_en: in {iocp:nope}: unknown figure"},
    {"[scenario]\ncaption_ko = 닫는 } 괄호\n", "t.ini:2: [scenario] caption_ko: a '}' closes nothing"},
    {"[claim x]\ncheck = cpus > 1\nen =\n", "t.ini:3: [claim x] en needs a value"},
};
/* clang-format on */

/* "CLAIM" in a case stands for the four sentences a claim needs */
static void expand_claim(const char *text, char *out, size_t n)
{
    const char *at = strstr(text, "CLAIM");
    if (!at) {
        snprintf(out, n, "%s", text);
        return;
    }
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, "\nen = a\nko = b\nelse_en = c\nelse_ko = d\n", at + 5);
}

static void every_error_names_file_line_and_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ss_scenario sc;
        char err[600] = "", text[600];
        expand_claim(bad[i].text, text, sizeof text);
        /* the NUL case needs its real length */
        size_t len = strlen(text);
        if (strstr(bad[i].expect, "NUL")) {
            len = strlen(bad[i].text);
            len += 1 + strlen(bad[i].text + len + 1);
            memcpy(text, bad[i].text, len);
        }
        int rc = ss_scenario_parse(&sc, text, len, "t.ini", err, sizeof err);
        if (rc == 0)
            fail_msg("case %zu parsed, expected: %s", i, bad[i].expect);
        if (strncmp(err, bad[i].expect, strlen(bad[i].expect)) != 0 && !strstr(err, bad[i].expect))
            fail_msg("case %zu:\n  got      %s\n  expected %s", i, err, bad[i].expect);
    }
}

static void long_lines_are_refused_not_split(void **state)
{
    (void)state;
    char text[400] = "[scenario]\ncaption_en = ";
    memset(text + strlen(text), 'x', 250);
    ss_scenario sc;
    char err[600];
    assert_int_equal(parse(&sc, text, err), -1);
    assert_non_null(strstr(err, "t.ini:2: the line is longer than"));
    assert_non_null(strstr(err, "indented lines"));
}

static void missing_and_unreadable_files(void **state)
{
    (void)state;
    ss_scenario sc;
    char err[600];
    assert_int_equal(ss_scenario_load(&sc, "/nonexistent/x.ini", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.ini: cannot open the scenario file"));
    assert_int_equal(ss_scenario_load(&sc, "/", err, sizeof err), -1);
    assert_non_null(strstr(err, "/: "));
}

static void flags_use_the_same_checks(void **state)
{
    (void)state;
    ss_scenario sc;
    ss_scenario_defaults(&sc);
    char err[600];
    assert_int_equal(ss_scenario_set(&sc, "network", "latency_ms", "abc", "--latency-ms", err, sizeof err), -1);
    assert_string_equal(err, "--latency-ms expects a number from 0 to 10000, got 'abc'");
    assert_int_equal(ss_scenario_set(&sc, "clients", "size", "1-2-3", "--size", err, sizeof err), -1);
    assert_int_equal(ss_scenario_set(&sc, "clients", "count", "7", "--clients", err, sizeof err), 0);
    assert_int_equal(sc.w.clients, 7);
    ss_model_opts mo = {0};
    assert_int_equal(ss_model_opt_set(&mo, "cpu-us", "55", err, sizeof err), 0);
    assert_int_equal(mo.cpu_work_us, 55);
    assert_int_equal(ss_model_opt_set(&mo, "edge-triggered", NULL, err, sizeof err), 0);
    assert_true(mo.edge_triggered);
    assert_int_equal(ss_model_opt_set(&mo, "fd-setsize", "2000", err, sizeof err), -1);
    assert_string_equal(err, "--fd-setsize expects a whole number from 2 to 1024, got '2000'");
    assert_int_equal(ss_model_opt_set(&mo, "latency-ms", "1", err, sizeof err), -1);
    assert_string_equal(err, "--latency-ms is not a model option");
}

static void scale_keeps_an_ordinary_client(void **state)
{
    (void)state;
    ss_scenario sc;
    ss_scenario_defaults(&sc);
    sc.w.clients = 6;
    sc.w.idle = 5000;
    sc.w.messages = 20;
    sc.w.special.slow = 1;
    ss_scenario_scale(&sc, 0.1);
    assert_int_equal(sc.w.clients, 2); /* ceil(0.6) = 1, but the slow client needs a companion */
    assert_int_equal(sc.w.idle, 500);
    assert_int_equal(sc.w.messages, 2);
    sc.w.special.slow = 5;
    ss_scenario_scale(&sc, 0.001);
    assert_int_equal(sc.w.clients, 2); /* never more than there were */
    assert_int_equal(sc.w.messages, 1);
}

static void sizes_repeat_with_the_seed(void **state)
{
    (void)state;
    ss_workload_opts a = tu_workload(4, 100, 512), b;
    a.sizes = (ss_size_spec){.min = 64, .max = 4096};
    a.seed = 42;
    b = a;
    int differ = 0, lo = 1 << 30, hi = 0;
    for (int c = 0; c < 4; c++) {
        for (int m = 0; m < 100; m++) {
            int s = ss_msg_size(&a, c, m);
            assert_int_equal(s, ss_msg_size(&b, c, m));
            lo = s < lo ? s : lo;
            hi = s > hi ? s : hi;
            b.seed = 43;
            differ += s != ss_msg_size(&b, c, m);
            b.seed = 42;
        }
    }
    assert_true(lo >= 64 && hi <= 4096 && hi - lo > 2000);
    assert_true(differ > 300);
    a.sizes = (ss_size_spec){.list = {64, 512, 4096}, .nlist = 3};
    int seen[3] = {0};
    for (int m = 0; m < 300; m++) {
        int s = ss_msg_size(&a, 0, m);
        seen[s == 64 ? 0 : s == 512 ? 1 : 2]++;
        assert_true(s == 64 || s == 512 || s == 4096);
    }
    assert_true(seen[0] > 50 && seen[1] > 50 && seen[2] > 50);
    assert_int_equal(ss_msg_size_max(&a), 4096);
}

/* docs/scenarios.md documents every key and every flag of the table */
static void the_docs_list_every_key(void **state)
{
    (void)state;
    const char *src = getenv("SS_SRC");
    assert_non_null(src);
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/scenarios.md", src);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char doc[1 << 16];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = 0;
    for (size_t i = 0; i < ss_scenario_nkeys(); i++) {
        const ss_scen_key *k = ss_scenario_key(i);
        char want[80];
        snprintf(want, sizeof want, "| `%s` |", k->key);
        if (!strstr(doc, want))
            fail_msg("docs/scenarios.md has no row for [%s] %s", k->section, k->key);
        snprintf(want, sizeof want, "`--%s`", k->flag ? k->flag : "model");
        if (!strstr(doc, want))
            fail_msg("docs/scenarios.md does not mention %s", want);
    }
}


/* --- claims against figures ------------------------------------------------ */
/* a trace's stats made by hand: one run per model, with the figures asked */
static ss_run_stats *fake_run(ss_stats *st, const char *model, double rps, uint64_t trans, uint64_t threads)
{
    st->runs = realloc(st->runs, (size_t)(st->nruns + 1) * sizeof *st->runs);
    assert_non_null(st->runs);
    ss_run_stats *r = &st->runs[st->nruns++];
    memset(r, 0, sizeof *r);
    snprintf(r->meta.model, sizeof r->meta.model, "%s", model);
    snprintf(r->meta.params[0][0], 96, "cpus");
    snprintf(r->meta.params[0][1], 96, "4");
    snprintf(r->meta.params[1][0], 96, "clients");
    snprintf(r->meta.params[1][1], 96, "20");
    r->meta.nparams = 2;
    r->requests_ok = 1000;
    r->end.duration_ns = (uint64_t)(1e9 * 1000 / rps);
    r->server.transitions = trans;
    r->server.threads = threads;
    return r; /* no latency or message samples: their histograms stay NULL (empty) */
}

static ss_claim claim(const char *check)
{
    ss_claim c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "t");
    snprintf(c.check, sizeof c.check, "%s", check);
    return c;
}

static ss_verdict verdict(const char *check, const ss_stats *st, ss_claim_result *r)
{
    ss_claim c = claim(check);
    ss_claim_eval(&c, st, r);
    return r->verdict;
}

static void claims_are_checked_against_the_figures(void **state)
{
    (void)state;
    ss_stats st;
    memset(&st, 0, sizeof st);
    fake_run(&st, "select", 12345.6, 2140, 1);
    fake_run(&st, "iocp", 9000, 4030, 9);
    ss_claim_result r;
    assert_int_equal(verdict("iocp:threads <= 2 * cpus + 1", &st, &r), SS_CLAIM_HOLDS); /* * before + */
    assert_string_equal(r.shown, "9 <= 9");
    assert_int_equal(verdict("iocp:threads < 2 * (cpus + 1)", &st, &r), SS_CLAIM_HOLDS);
    assert_int_equal(verdict("iocp:trans_per_req < select:trans_per_req", &st, &r), SS_CLAIM_FAILS);
    assert_string_equal(r.shown, "4.03 < 2.14");
    assert_true(r.lhs > 4.02 && r.lhs < 4.04);
    assert_int_equal(verdict("iocp:threads == 9 and select:rps > 12000", &st, &r), SS_CLAIM_HOLDS);
    assert_string_equal(r.shown, "9 == 9; 12,346 > 12,000");
    assert_int_equal(verdict("iocp:threads == 9 and select:rps > 13000 and cpus == 4", &st, &r), SS_CLAIM_FAILS);
    assert_true(r.lhs > 12345 && r.lhs < 12346); /* the values of the comparison that failed */
    assert_int_equal(verdict("min(iocp:threads, select:threads, 5) == 1 and max(iocp:threads, 3) == 9", &st, &r),
                     SS_CLAIM_HOLDS);
    assert_int_equal(verdict("-select:threads + clients / 4 == 4", &st, &r), SS_CLAIM_HOLDS);
    /* a model that was not run, a figure not measured, a division by zero: never a verdict */
    assert_int_equal(verdict("epoll:threads < iocp:threads", &st, &r), SS_CLAIM_UNMEASURED);
    assert_string_equal(r.why, "epoll was not run");
    assert_int_equal(verdict("max(select:threads, epoll:threads) < 2", &st, &r), SS_CLAIM_UNMEASURED);
    assert_int_equal(verdict("iocp:overlap_pct > 90", &st, &r), SS_CLAIM_UNMEASURED);
    assert_string_equal(r.why, "iocp:overlap_pct was not measured in this run");
    assert_int_equal(verdict("iocp:threads / (cpus - 4) > 1", &st, &r), SS_CLAIM_UNMEASURED);
    assert_int_equal(verdict("messages > 1", &st, &r), SS_CLAIM_UNMEASURED); /* not recorded */
    free(st.runs);
}

static void captions_are_filled_from_the_run(void **state)
{
    (void)state;
    ss_stats st;
    memset(&st, 0, sizeof st);
    fake_run(&st, "select", 12345.6, 2140, 1);
    fake_run(&st, "iocp", 9000, 4030, 9);
    ss_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    char err[600], out[2048];
    const char *text = "[scenario]\nname = f\nmodels = select, iocp\n"
                       "caption_en = select: {select:rps} req/s, {{braces}}, {select:trans_per_req / 2}.\n"
                       "[claim few]\ncheck = iocp:threads <= 2 * cpus + 1\n"
                       "en = iocp: {iocp:threads} threads.\nko = 스레드 {iocp:threads}개.\n"
                       "else_en = iocp: too many.\nelse_ko = 너무 많다.\n"
                       "[claim fewer]\ncheck = iocp:trans_per_req < select:trans_per_req\n"
                       "en = fewer.\nko = 적다.\nelse_en = not fewer: {iocp:trans_per_req}.\nelse_ko = 적지 않다.\n";
    if (ss_scenario_parse(sc, text, strlen(text), "f.ini", err, sizeof err) != 0)
        fail_msg("%s", err);
    ss_caption_fill(sc, &st, "en", out, sizeof out);
    assert_string_equal(out, "select: 12,346 req/s, {braces}, 1.07. iocp: 9 threads. not fewer: 4.03.");
    ss_caption_fill(sc, &st, "ko", out, sizeof out); /* no Korean caption: the English one, then the claims */
    assert_string_equal(out, "select: 12,346 req/s, {braces}, 1.07. 스레드 9개. 적지 않다.");
    ss_caption_fill(sc, NULL, "en", out, sizeof out); /* before the run: nothing measured, nothing claimed */
    assert_string_equal(out, "select: … req/s, {braces}, ….");
    st.nruns = 1; /* iocp not run: its claims are left out, its placeholders say n/a */
    ss_caption_fill(sc, &st, "en", out, sizeof out);
    assert_string_equal(out, "select: 12,346 req/s, {braces}, 1.07.");
    st.nruns = 2;
    /* a short buffer never cuts a character in two */
    char small[24];
    size_t n = ss_caption_fill(sc, &st, "ko", small, sizeof small);
    assert_true(n < sizeof small && n == strlen(small));
    /* the report after the table */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ss_claims_print(f, sc, &st, "en");
    fclose(f);
    assert_non_null(strstr(buf, "[holds] few: iocp:threads <= 2 * cpus + 1   measured: 9 <= 9"));
    assert_non_null(strstr(buf, "[does not hold] fewer: iocp:trans_per_req < select:trans_per_req   measured: 4.03 < 2.14"));
    free(buf);
    free(sc);
    free(st.runs);
}

static void scale_keeps_what_the_lesson_needs(void **state)
{
    (void)state;
    ss_scenario sc;
    char err[600];
    assert_int_equal(parse(&sc, "[clients]\ncount = 100\nidle = 500\nmessages = 50\nscale = messages\n", err), 0);
    ss_scenario_scale(&sc, 0.1);
    assert_int_equal(sc.w.clients, 100);
    assert_int_equal(sc.w.idle, 500);
    assert_int_equal(sc.w.messages, 5);
    assert_int_equal(parse(&sc, "[clients]\ncount = 100\nidle = 500\nmessages = 50\nscale = none\n", err), 0);
    ss_scenario_scale(&sc, 0.1);
    assert_true(sc.w.clients == 100 && sc.w.idle == 500 && sc.w.messages == 50);
    assert_int_equal(parse(&sc, "[clients]\nscale = some\n", err), -1);
    assert_non_null(strstr(err, "t.ini:2: [clients] scale expects all, messages or none, got 'some'"));
}

/* --- fuzz: random edits of a valid file must never crash the parser ------- */
static const char *const words[] = {"[", "]", "=", ":", ";", "#", "\n", "  ", "\t", "scenario", "clients",
                                    "special", "server", "network", "count", "size", "models", "caption_en",
                                    "connect", "stagger:", "churn:", "-", ",", "0", "9999999999", "-1", "1e309",
                                    "nan", "all", "select", "\xff", "\xe1\x84", "mbit", "true", "\r\n"};

static void mutate(char *buf, size_t *len, size_t cap, uint64_t *rng)
{
    int edits = 1 + (int)(ss_rng_next(rng) % 8);
    for (int e = 0; e < edits; e++) {
        size_t at = *len ? ss_rng_next(rng) % *len : 0;
        switch (ss_rng_next(rng) % 4) {
        case 0: /* flip a byte */
            if (*len)
                buf[at] = (char)ss_rng_next(rng);
            break;
        case 1: /* cut */
            *len = at;
            break;
        case 2: { /* insert a word */
            const char *w = words[ss_rng_next(rng) % (sizeof words / sizeof words[0])];
            size_t wl = strlen(w);
            if (*len + wl < cap) {
                memmove(buf + at + wl, buf + at, *len - at);
                memcpy(buf + at, w, wl);
                *len += wl;
            }
            break;
        }
        default: /* duplicate a slice */
            if (*len && *len * 2 < cap) {
                size_t n = ss_rng_next(rng) % (*len - at + 1);
                memmove(buf + at + n, buf + at, *len - at);
                *len += n;
            }
        }
    }
}

static void fuzzed_input_never_crashes(void **state)
{
    (void)state;
    enum { CAP = 8192, ROUNDS = 20000 };
    char *buf = malloc(CAP);
    assert_non_null(buf);
    uint64_t rng = 12345;
    int ok = 0, failed = 0;
    for (int i = 0; i < ROUNDS; i++) {
        size_t len = strlen(every_key);
        memcpy(buf, every_key, len);
        mutate(buf, &len, CAP, &rng);
        ss_scenario sc;
        char err[600] = "";
        if (ss_scenario_parse(&sc, buf, len, "fuzz.ini", err, sizeof err) == 0) {
            ok++;
        } else {
            failed++;
            if (strncmp(err, "fuzz.ini", 8) != 0)
                fail_msg("error without the file name: %s", err);
        }
    }
    free(buf);
    print_message("fuzz: %d parsed, %d rejected with a message\n", ok, failed);
    assert_true(failed > 0 && ok > 0);
}

/* --- the shipped presets --------------------------------------------------- */
static void every_preset_parses_with_both_captions(void **state)
{
    (void)state;
    const char *src = getenv("SS_SRC");
    assert_non_null(src);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/assets/scenarios", src);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0)
            continue;
        char path[2048], err[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ss_scenario sc;
        if (ss_scenario_load(&sc, path, err, sizeof err) != 0)
            fail_msg("%s", err);
        assert_true(sc.caption_ko[0] && sc.caption_en[0]);
        assert_true(sc.nmodels > 0);
        assert_int_equal(strncmp(sc.name, e->d_name, n - 4), 0); /* the name is the file's */
        count++;
    }
    closedir(d);
    assert_true(count >= 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_reaches_its_field),
        cmocka_unit_test(the_test_covers_the_table),
        cmocka_unit_test(the_docs_list_every_key),
        cmocka_unit_test(values_in_other_forms),
        cmocka_unit_test(every_error_names_file_line_and_key),
        cmocka_unit_test(long_lines_are_refused_not_split),
        cmocka_unit_test(missing_and_unreadable_files),
        cmocka_unit_test(flags_use_the_same_checks),
        cmocka_unit_test(scale_keeps_an_ordinary_client),
        cmocka_unit_test(sizes_repeat_with_the_seed),
        cmocka_unit_test(fuzzed_input_never_crashes),
        cmocka_unit_test(every_preset_parses_with_both_captions),
        cmocka_unit_test(claims_are_checked_against_the_figures),
        cmocka_unit_test(captions_are_filled_from_the_run),
        cmocka_unit_test(scale_keeps_what_the_lesson_needs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
