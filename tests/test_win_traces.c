/* The lecture traces recorded on real Winsock (assets/traces/win-*.sstrace,
 * scripts/record-winsock-traces.sh) read on Linux: every run says it was
 * recorded on Windows or Wine with real Winsock, and holds the calls the
 * textbook teaches for its model — WSAAsyncSelect with GetMessage and
 * window-procedure dispatches of FD_ACCEPT/FD_READ/FD_WRITE/FD_CLOSE,
 * WSAEventSelect with WSAWaitForMultipleEvents and WSAEnumNetworkEvents,
 * overlapped WSARecv/WSASend completing in a routine inside the alertable
 * SleepEx or by event, CreateIoCompletionPort with GetQueuedCompletionStatus.
 * Also: where a run was recorded, as every run on Linux records it, and how
 * the viewer words it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/caption.h"
#include "render/session.h"
#include "render/ui_text.h"
#include "sim/trace/reader.h"
#include "testutil.h"

#define MAX_THREADS 1024
#define MAX_RUNS 16
#define WAIT_IO_COMPLETION_RET 0xC0 /* SleepEx's return when a routine or APC ran */
#define MAX_UI_IDS 65536

/* FD_* bits (Winsock's values, sim/trace/event.h) in the order of table 11-8 */
static const struct {
    unsigned bit;
    const char *name;
} FD[] = {{SS_NE_ACCEPT, "FD_ACCEPT"}, {SS_NE_READ, "FD_READ"}, {SS_NE_WRITE, "FD_WRITE"}, {SS_NE_CLOSE, "FD_CLOSE"}};
#define NFD (sizeof FD / sizeof FD[0])

typedef struct run_facts {
    ss_run_meta meta;
    int complete, nthreads;
    char verification[96];
    uint64_t calls[SS_API_COUNT];     /* server side, by api */
    uint64_t dispatch_fd[NFD];        /* window-procedure dispatches, by FD_* event */
    uint64_t ui_posts, ui_dispatches, ui_matched, ui_with_work;
    uint64_t wsarecv, wsasend;        /* overlapped submissions that entered the kernel */
    uint64_t completions, in_routine, after_gqcs, after_overlapped_result;
    uint64_t sleep_ex_routine_returns;
    uint64_t waited, dropped_events, refused;
    uint64_t standin_flags;           /* events flagged stand-in or emulation (none on Winsock) */
    int max_events_per_wait;          /* the widest WSAWaitForMultipleEvents */
    int roles[MAX_THREADS];
    uint16_t last_api[MAX_THREADS];   /* each thread's previous event */
    int64_t last_ret[MAX_THREADS];
    uint64_t last_t0[MAX_THREADS], last_t1[MAX_THREADS];
    uint8_t ui_posted[MAX_UI_IDS];
} run_facts;

typedef struct trace_facts {
    run_facts *runs[MAX_RUNS];
    int nruns;
} trace_facts;

static run_facts *run_of(trace_facts *t, uint32_t id)
{
    for (int i = 0; i < t->nruns; i++)
        if (t->runs[i]->meta.id == id)
            return t->runs[i];
    return NULL;
}

static void on_run_begin(void *ud, const ss_run_meta *m)
{
    trace_facts *t = ud;
    assert_true(t->nruns < MAX_RUNS);
    run_facts *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->meta = *m;
    t->runs[t->nruns++] = r;
}

static void on_thread(void *ud, const ss_thread_meta *th)
{
    run_facts *r = run_of(ud, th->run);
    assert_non_null(r);
    assert_true(th->idx < MAX_THREADS);
    r->roles[th->idx] = th->role;
    if ((int)th->idx >= r->nthreads)
        r->nthreads = (int)th->idx + 1;
}

static void on_message(run_facts *r, uint32_t thread, const ss_event *ev)
{
    if (ev->api == SS_API_MSG_POST && ev->aux == SS_MSG_UI) {
        r->ui_posts++;
        if (ev->id < MAX_UI_IDS)
            r->ui_posted[ev->id] = 1;
        return;
    }
    if (ev->api != SS_API_MSG_DISPATCH)
        return;
    if (ev->aux == SS_MSG_UI) {
        r->ui_dispatches++;
        r->ui_matched += ev->id < MAX_UI_IDS && r->ui_posted[ev->id];
        /* the UI work, recorded just before, lies inside the dispatch */
        r->ui_with_work += r->last_api[thread] == SS_API_CPU_WORK && r->last_t0[thread] >= ev->t0 &&
                           r->last_t1[thread] <= ev->t1;
        return;
    }
    for (size_t i = 0; i < NFD; i++)
        if (ev->aux == FD[i].bit)
            r->dispatch_fd[i]++;
}

static void on_event(void *ud, uint32_t run, uint32_t thread, const ss_event *ev)
{
    run_facts *r = run_of(ud, run);
    assert_non_null(r);
    assert_true(thread < MAX_THREADS);
    if (ev->flags & SS_EV_WAITED)
        r->waited++;
    r->standin_flags += (ev->flags & (SS_EV_STANDIN | SS_EV_EMUL)) != 0;
    if (r->roles[thread] != SS_ROLE_SERVER && r->roles[thread] != SS_ROLE_CONTROL)
        return;
    r->calls[ev->api]++;
    switch (ev->api) {
    case SS_API_OP_SUBMIT: /* an overlapped submission that entered the kernel: named as Windows names it */
        r->wsarecv += strcmp(ss_event_name(ev->api, (int)ev->aux, ev->flags), "WSARecv") == 0;
        r->wsasend += strcmp(ss_event_name(ev->api, (int)ev->aux, ev->flags), "WSASend") == 0;
        break;
    case SS_API_OP_COMPLETE:
        r->completions++;
        /* the routine ran inside the alertable wait: the wait's segment
         * ended with WAIT_IO_COMPLETION just before (probe_win.h) */
        r->in_routine += r->last_api[thread] == SS_API_SLEEP_EX && r->last_ret[thread] == WAIT_IO_COMPLETION_RET;
        r->after_gqcs += r->last_api[thread] == SS_API_IOCP_GET;
        r->after_overlapped_result += r->last_api[thread] == SS_API_WSA_GET_OVERLAPPED;
        break;
    case SS_API_SLEEP_EX:
        r->sleep_ex_routine_returns += ev->ret == WAIT_IO_COMPLETION_RET;
        break;
    case SS_API_WSA_WAIT:
        if ((int)ev->arg > r->max_events_per_wait)
            r->max_events_per_wait = (int)ev->arg;
        break;
    case SS_API_REFUSED: r->refused++; break;
    case SS_API_MSG_POST:
    case SS_API_MSG_DISPATCH: on_message(r, thread, ev); break;
    default: break;
    }
    r->last_api[thread] = ev->api;
    r->last_ret[thread] = ev->ret;
    r->last_t0[thread] = ev->t0;
    r->last_t1[thread] = ev->t1;
}

static void on_thread_end(void *ud, const ss_thread_end_info *te)
{
    run_facts *r = run_of(ud, te->run);
    assert_non_null(r);
    r->dropped_events += te->dropped;
}

static void on_run_end(void *ud, const ss_run_end_info *e)
{
    run_facts *r = run_of(ud, e->run);
    assert_non_null(r);
    r->complete = 1;
    for (int i = 0; i < e->nnotes; i++)
        if (strcmp(e->notes[i][0], "client verification") == 0)
            snprintf(r->verification, sizeof r->verification, "%s", e->notes[i][1]);
}

static void load(const char *path, trace_facts *t)
{
    memset(t, 0, sizeof *t);
    ss_visitor v = {t, on_run_begin, on_thread, on_event, on_thread_end, on_run_end, NULL};
    ss_scan_result res;
    char err[512];
    /* file order: each thread's events in the order it recorded them */
    if (ss_trace_scan(path, 0, &v, &res, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    if (res.warning[0])
        fail_msg("%s: %s", path, res.warning);
}

static void free_facts(trace_facts *t)
{
    for (int i = 0; i < t->nruns; i++)
        free(t->runs[i]);
}

static const char *param(const run_facts *r, const char *key)
{
    const char *v = ss_run_param(&r->meta, key);
    return v ? v : "";
}

static long param_long(const run_facts *r, const char *key) { return atol(param(r, key)); }

/* --- what every Winsock run holds ------------------------------------------- */
static void check_origin_and_result(const char *file, const run_facts *r)
{
    const char *platform = param(r, "platform");
    print_message("  %s run %u %-17s platform=%s winsock=%s waits=%s; %s\n", file, r->meta.id, r->meta.model,
                  platform, param(r, "winsock"), param(r, "waits"), r->verification);
    if (strncmp(platform, "wine ", 5) != 0 && strncmp(platform, "windows ", 8) != 0)
        fail_msg("%s run %u (%s): recorded on '%s', not Windows or Wine", file, r->meta.id, r->meta.model, platform);
    assert_string_equal(param(r, "winsock"), "real");
    assert_int_equal(r->standin_flags, 0); /* nothing in a Winsock run plays a Windows part */
    for (int i = 0; i < r->nthreads; i++)
        assert_int_not_equal(r->roles[i], SS_ROLE_EMUL);
    if (strncmp(platform, "wine ", 5) == 0) {
        /* Wine cannot tell whether a call slept: the run says so, and claims no wait */
        assert_string_equal(param(r, "waits"), "unknown");
        assert_int_equal(r->waited, 0);
    }
    assert_true(r->complete);
    assert_int_equal(r->dropped_events, 0);
    long ok = 0, failed = -1, mismatched = -1;
    if (sscanf(r->verification, "%ld ok, %ld failed, %ld mismatched", &ok, &failed, &mismatched) != 3)
        fail_msg("%s run %u: no client verification note", file, r->meta.id);
    assert_true(ok > 0);
    assert_int_equal(failed, 0);
    assert_int_equal(mismatched, 0);
    /* every client either served all its messages or was refused by the model's limit */
    assert_int_equal(ok + (long)r->refused * param_long(r, "messages"), param_long(r, "clients") * param_long(r, "messages"));
}

/* --- per model: the textbook's calls ----------------------------------------- */
static void check_async_select(const run_facts *r)
{
    long clients = param_long(r, "clients");
    assert_true(r->calls[SS_API_WSA_ASYNC_SELECT] >= (uint64_t)clients + 1); /* listener + each client */
    assert_true(r->calls[SS_API_GET_MESSAGE] > 0);
    for (size_t i = 0; i < NFD; i++)
        if (r->dispatch_fd[i] == 0)
            fail_msg("async-select: no %s message was dispatched", FD[i].name);
    assert_true(r->dispatch_fd[0] >= (uint64_t)clients); /* an FD_ACCEPT per client at least */
    assert_true(r->dispatch_fd[3] >= (uint64_t)clients); /* each client's FD_CLOSE */
    print_message("    dispatches: FD_ACCEPT %llu, FD_READ %llu, FD_WRITE %llu, FD_CLOSE %llu; UI %llu\n",
                  (unsigned long long)r->dispatch_fd[0], (unsigned long long)r->dispatch_fd[1],
                  (unsigned long long)r->dispatch_fd[2], (unsigned long long)r->dispatch_fd[3],
                  (unsigned long long)r->ui_dispatches);
    if (strstr(param(r, "options"), "ui-rate")) { /* the busy UI shares the procedure */
        assert_true(r->ui_posts > 10);
        assert_true(r->ui_dispatches > 10);
        assert_int_equal(r->ui_matched, r->ui_dispatches); /* each dispatch is of a posted UI message */
        assert_int_equal(r->ui_with_work, r->ui_dispatches); /* ... and holds its UI work */
    }
}

static void check_event_select(const run_facts *r)
{
    assert_true(r->calls[SS_API_WSA_CREATE_EVENT] > 1);
    assert_true(r->calls[SS_API_WSA_EVENT_SELECT] > 1);
    assert_true(r->calls[SS_API_WSA_WAIT] > 0);
    assert_true(r->calls[SS_API_WSA_ENUM_EVENTS] > 0);
    /* one wait, one thread: at most WSA_MAXIMUM_WAIT_EVENTS = 64 events */
    assert_true(r->max_events_per_wait > 1 && r->max_events_per_wait <= 64);
    long clients = param_long(r, "clients");
    if (clients > 63) { /* the textbook's server refuses the clients past the 64th event */
        assert_int_equal(r->max_events_per_wait, 64);
        assert_int_equal(r->refused, clients - 63);
    }
}

static void check_overlapped_routines(const run_facts *r)
{
    assert_true(r->wsarecv > 0 && r->wsasend > 0);
    assert_true(r->calls[SS_API_SLEEP_EX] > 0);
    assert_true(r->completions > 0);
    /* every completion was taken by its routine, inside the alertable wait */
    assert_int_equal(r->in_routine, r->completions);
    assert_true(r->sleep_ex_routine_returns >= r->completions);
    assert_true(r->calls[SS_API_WAKEUP] > 0); /* QueueUserAPC hands sockets to the I/O thread */
}

static void check_overlapped_events(const run_facts *r)
{
    assert_true(r->wsarecv > 0 && r->wsasend > 0);
    assert_true(r->calls[SS_API_WSA_WAIT] > 0);
    assert_true(r->calls[SS_API_WSA_GET_OVERLAPPED] > 0);
    assert_true(r->calls[SS_API_WSA_RESET_EVENT] > 0);
    assert_true(r->completions > 0);
    assert_int_equal(r->after_overlapped_result, r->completions);
    assert_true(r->max_events_per_wait <= 64);
}

static void check_iocp(const run_facts *r)
{
    assert_true(r->wsarecv > 0 && r->wsasend > 0);
    assert_true(r->calls[SS_API_IOCP_CREATE] >= (uint64_t)param_long(r, "clients") + 1); /* the port + each socket */
    assert_true(r->calls[SS_API_IOCP_GET] > 0);
    assert_true(r->completions > 0);
    /* every completion packet was dequeued by GetQueuedCompletionStatus */
    assert_int_equal(r->after_gqcs, r->completions);
    assert_true(r->calls[SS_API_IOCP_POST] > 0); /* the null packets that stop the workers */
}

static void check_select(const run_facts *r)
{
    assert_true(r->calls[SS_API_SELECT] > 0);
    long clients = param_long(r, "clients");
    if (clients > 63) /* Winsock's FD_SETSIZE 64: the listener and 63 clients */
        assert_int_equal(r->refused, clients - 63);
}

static void check_model(const run_facts *r)
{
    const char *m = r->meta.model;
    if (strcmp(m, "async-select") == 0)
        check_async_select(r);
    else if (strcmp(m, "event-select") == 0)
        check_event_select(r);
    else if (strcmp(m, "overlapped") == 0)
        check_overlapped_routines(r);
    else if (strcmp(m, "overlapped-event") == 0)
        check_overlapped_events(r);
    else if (strcmp(m, "iocp") == 0)
        check_iocp(r);
    else if (strcmp(m, "select") == 0)
        check_select(r);
    else if (strcmp(m, "poll") == 0)
        assert_true(r->calls[SS_API_POLL] > 0 && r->refused == 0); /* WSAPoll: no limit */
}

/* --- the shipped traces -------------------------------------------------------- */
typedef struct shipped {
    const char *name;
    const char *models; /* the runs it must hold, in order */
} shipped;

static const shipped SHIPPED[] = {
    {"closing-comparison", "blocking-iterative,blocking-threads,nonblocking,select,poll,async-select,event-select,"
                           "overlapped,overlapped-event,iocp"},
    {"async-select-busy-ui", "async-select,select"},
    {"event-select-64-limit", "event-select,poll"},
    {"select-64-limit", "select,poll"},
    {"overlapped-both-ways", "overlapped,overlapped-event"},
    {"threads-vs-iocp-cpu-work", "blocking-threads,iocp"},
};

static void trace_path(const char *name, char *out, size_t n)
{
    const char *src = getenv("SS_SRC");
    snprintf(out, n, "%s/assets/traces/win-%s.sstrace", src ? src : ".", name);
}

static void check_shipped(const shipped *s)
{
    char path[1024], models[512] = "";
    trace_path(s->name, path, sizeof path);
    trace_facts t;
    load(path, &t);
    size_t used = 0;
    for (int i = 0; i < t.nruns; i++) {
        check_origin_and_result(s->name, t.runs[i]);
        check_model(t.runs[i]);
        used += (size_t)snprintf(models + used, sizeof models - used, "%s%s", i ? "," : "", t.runs[i]->meta.model);
    }
    if (strcmp(models, s->models) != 0)
        fail_msg("win-%s: runs %s, expected %s", s->name, models, s->models);
    free_facts(&t);
}

static void test_closing_comparison(void **state) { (void)state; check_shipped(&SHIPPED[0]); }
static void test_async_select_busy_ui(void **state) { (void)state; check_shipped(&SHIPPED[1]); }
static void test_event_select_64_limit(void **state) { (void)state; check_shipped(&SHIPPED[2]); }
static void test_select_64_limit(void **state) { (void)state; check_shipped(&SHIPPED[3]); }
static void test_overlapped_both_ways(void **state) { (void)state; check_shipped(&SHIPPED[4]); }
static void test_threads_vs_iocp(void **state) { (void)state; check_shipped(&SHIPPED[5]); }

/* no win-* trace ships without being checked here */
static void test_every_shipped_trace_is_checked(void **state)
{
    (void)state;
    char dir[1024];
    const char *src = getenv("SS_SRC");
    snprintf(dir, sizeof dir, "%s/assets/traces", src ? src : ".");
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, "win-", 4) != 0)
            continue;
        int known = 0;
        for (size_t i = 0; i < sizeof SHIPPED / sizeof SHIPPED[0]; i++) {
            char want[128];
            snprintf(want, sizeof want, "win-%s.sstrace", SHIPPED[i].name);
            known |= strcmp(e->d_name, want) == 0;
        }
        if (!known)
            fail_msg("%s is shipped but not checked by test_win_traces", e->d_name);
        found++;
    }
    closedir(d);
    assert_int_equal(found, (int)(sizeof SHIPPED / sizeof SHIPPED[0]));
}

/* --- the viewer names them as the lecture does -------------------------------- */
typedef struct seen {
    const char *want;
    int found;
} seen;

/* Every label and caption of the model's lanes of one run, against the words wanted. */
static void viewer_words(const char *trace, int run, seen *w, size_t nw)
{
    char path[1024], err[512], label[256], text[2048];
    trace_path(trace, path, sizeof path);
    vw_session s = {0};
    if (vw_session_load(&s, path, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    assert_true(run < s.nruns);
    const vw_run *r = &s.runs[run];
    for (int l = 0; l < r->nlanes; l++) {
        if (!vw_lane_is_model(&r->lanes[l]))
            continue;
        for (size_t i = 0; i < r->lanes[l].n; i++) {
            const vw_ev *e = &r->lanes[l].ev[i];
            vw_ev_label(r, e, VW_LANG_EN, label, sizeof label);
            assert_null(strstr(label, " here)")); /* no Linux call behind a Winsock call */
            vw_caption_explain(r, l, i, VW_LANG_EN, text, sizeof text);
            for (size_t k = 0; k < nw; k++)
                w[k].found |= strstr(label, w[k].want) != NULL || strstr(text, w[k].want) != NULL;
        }
    }
    for (size_t k = 0; k < nw; k++)
        if (!w[k].found)
            fail_msg("win-%s run %d (%s): the viewer never says '%s'", trace, run + 1, r->model, w[k].want);
    vw_session_free(&s);
}

static void test_viewer_names_winsock_calls(void **state)
{
    (void)state;
    seen as[] = {{"WSAAsyncSelect", 0}, {"GetMessage", 0}, {"DispatchMessage", 0}, {"msg_dispatch FD_ACCEPT", 0},
                 {"msg_dispatch FD_READ", 0}, {"msg_dispatch FD_WRITE", 0}, {"msg_dispatch FD_CLOSE", 0},
                 {"msg_dispatch UI", 0}};
    viewer_words("async-select-busy-ui", 0, as, sizeof as / sizeof as[0]);
    seen es[] = {{"WSAEventSelect", 0}, {"WSAWaitForMultipleEvents", 0}, {"WSAEnumNetworkEvents", 0}};
    viewer_words("event-select-64-limit", 0, es, sizeof es / sizeof es[0]);
    seen ov[] = {{"WSARecv", 0}, {"WSASend", 0}, {"SleepEx", 0}};
    viewer_words("overlapped-both-ways", 0, ov, sizeof ov / sizeof ov[0]);
    seen oe[] = {{"WSARecv", 0}, {"WSAWaitForMultipleEvents", 0}, {"WSAGetOverlappedResult", 0}};
    viewer_words("overlapped-both-ways", 1, oe, sizeof oe / sizeof oe[0]);
    seen io[] = {{"CreateIoCompletionPort", 0}, {"GetQueuedCompletionStatus", 0}, {"WSARecv", 0}, {"WSASend", 0}};
    viewer_words("threads-vs-iocp-cpu-work", 1, io, sizeof io / sizeof io[0]);
}

/* --- runs recorded here say where too ---------------------------------------- */
static void recorded_here(const char *model, const char *winsock)
{
    const ss_model *m = ss_model_find(model);
    char why[200];
    if (!m || !ss_model_available(m, why, sizeof why)) {
        print_message("  skipping %s: not available here\n", model);
        return;
    }
    ss_workload_opts w = tu_workload(2, 5, 64);
    ss_workload_result res;
    ss_stats st;
    tu_record(model, NULL, &w, &res, &st, 1);
    assert_int_equal(st.nruns, 1);
    const ss_run_meta *meta = &st.runs[0].meta;
    assert_non_null(ss_run_param(meta, "platform"));
    assert_true(strncmp(ss_run_param(meta, "platform"), "linux ", 6) == 0);
    assert_string_equal(ss_run_param(meta, "winsock"), winsock);
    assert_string_equal(ss_run_param(meta, "waits"), "measured");
    /* first, so that a viewer's shortened parameter line keeps them */
    assert_string_equal(meta->params[0][0], "platform");
    ss_stats_free(&st);
}

static void test_linux_runs_say_where(void **state)
{
    (void)state;
    recorded_here("select", "none");
    size_t n;
    const ss_model *const *all = ss_models(&n);
    int standins = 0;
    for (size_t i = 0; i < n; i++) { /* every Windows model's run says it is a stand-in */
        const char *name = all[i]->name;
        int windows = strstr(name, "select") && strcmp(name, "select") != 0;
        windows |= strncmp(name, "overlapped", 10) == 0 || strcmp(name, "iocp") == 0;
        char why[200];
        if (windows && ss_model_available(all[i], why, sizeof why)) {
            recorded_here(name, "stand-in");
            standins++;
        }
    }
    /* async-select and event-select run everywhere; overlapped, overlapped-event
     * and iocp where io_uring does */
    assert_true(standins >= 2);
}

/* --- the viewer's words for it ------------------------------------------------- */
static void test_viewer_origin_text(void **state)
{
    (void)state;
    char out[200], v[64];
    const char *wine = "platform=wine 8.0 winsock=real waits=unknown clients=5 messages=50 options=ui-rate=250 x";
    const char *rest = vw_run_origin(wine, "WSAAsyncSelect: ...", VW_LANG_EN, out, sizeof out);
    assert_string_equal(out, "recorded on Wine 8.0 — timings are Wine's, waits not measured");
    assert_string_equal(rest, "clients=5 messages=50 options=ui-rate=250 x");
    vw_run_origin(wine, "", VW_LANG_KO, out, sizeof out);
    assert_non_null(strstr(out, "Wine 8.0에서 기록"));
    vw_run_origin("platform=windows 10.0.19045 winsock=real waits=measured clients=1", "", VW_LANG_EN, out, sizeof out);
    assert_string_equal(out, "recorded on Windows 10.0.19045");
    vw_run_origin("platform=linux 6.1.0-18-amd64 winsock=stand-in waits=measured clients=1", "", VW_LANG_EN, out,
                  sizeof out);
    assert_string_equal(out, "Linux stand-in for Winsock");
    vw_run_origin("platform=linux 6.1.0 winsock=none waits=off clients=1", "", VW_LANG_EN, out, sizeof out);
    assert_string_equal(out, "recorded on Linux, waits not measured");
    /* older traces: nothing guessed, unless the mechanism says it is a stand-in */
    rest = vw_run_origin("clients=1 messages=2", "select(2) over ...", VW_LANG_EN, out, sizeof out);
    assert_string_equal(out, "");
    assert_string_equal(rest, "clients=1 messages=2");
    vw_run_origin("clients=1", "an eventfd per socket ... (stand-in for Winsock's kernel side)", VW_LANG_EN, out,
                  sizeof out);
    assert_string_equal(out, "Linux stand-in for Winsock");
    /* values with spaces end at the next key */
    vw_param_value("link=latency 25 ms, jitter 5 ms platform=wine 9.0 winsock=real", "platform", v, sizeof v);
    assert_string_equal(v, "wine 9.0");
    vw_param_value("xplatform=1 platform=wine 9.0", "platform", v, sizeof v);
    assert_string_equal(v, "wine 9.0");
    vw_param_value("clients=1", "platform", v, sizeof v);
    assert_string_equal(v, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shipped_trace_is_checked),
        cmocka_unit_test(test_closing_comparison),
        cmocka_unit_test(test_async_select_busy_ui),
        cmocka_unit_test(test_event_select_64_limit),
        cmocka_unit_test(test_select_64_limit),
        cmocka_unit_test(test_overlapped_both_ways),
        cmocka_unit_test(test_threads_vs_iocp),
        cmocka_unit_test(test_viewer_names_winsock_calls),
        cmocka_unit_test(test_linux_runs_say_where),
        cmocka_unit_test(test_viewer_origin_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
