/* Counters at the playhead, animation and stepping, hit-testing, layout
 * and captions: the viewer's decisions, tested without a window. */
#include <stdlib.h>
#include <string.h>

#include "render/anim.h"
#include "render/app.h"
#include "render/caption.h"
#include "render/counters.h"
#include "render/hit.h"
#include "render/layout.h"
#include "testutil.h"
#include "vw_fixture.h"

static void counters_follow_the_playhead(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_simple(&s);
    r->req_end = malloc(sizeof *r->req_end);
    r->req_end[0] = 9000, r->nreq = 1;
    r->lat = malloc(sizeof *r->lat);
    r->lat[0] = (vw_lat_snap){9000, 1, 6000, 6000}, r->nlat = 1;
    vw_counters c;
    vw_counters_at(r, 2000, &c); /* inside the select */
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.transitions, 1);
    assert_int_equal(c.blocked_ns, 2000);
    assert_int_equal(c.threads, 1);
    assert_int_equal(c.requests, 0);
    vw_counters_at(r, 9500, &c);
    assert_int_equal(c.calls, 3);
    assert_int_equal(c.blocked_ns, 4000);
    assert_int_equal(c.requests, 1);
    assert_int_equal(c.p50_ns, 6000);
    vw_session_free(&s);
}

static void counters_use_block_sums(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_dense(&s, 10000);
    vw_counters c;
    vw_counters_at(r, 100 * 5000 + 5, &c); /* 5001 calls started */
    assert_int_equal(c.calls, 5001);
    assert_int_equal(c.transitions, 5001);
    vw_session_free(&s);
}

static void playhead_moves_and_steps(void **state)
{
    (void)state;
    vw_session s = {0};
    fx_simple(&s);
    vw_anim a;
    vw_anim_init(&a, 10000);
    a.speed = 1000, a.playing = 1;
    vw_anim_tick(&a, 2.5);
    assert_true(a.t > 2499 && a.t < 2501);
    vw_anim_tick(&a, 100);
    assert_true(a.t == 10000 && !a.playing);
    assert_true(vw_next_event(&s, 2500, +1) == 4000);
    assert_true(vw_next_event(&s, 4000, +1) == 5000);
    assert_true(vw_next_event(&s, 4000, -1) == 0);
    assert_true(vw_next_event(&s, 6000, +1) < 0);
    /* up/down halve and double the screen time of the visible span, within bounds */
    double pace = a.pace_s;
    vw_anim_faster(&a);
    assert_true(a.pace_s == pace / 2 && a.speed == 2000);
    for (int i = 0; i < 100; i++)
        vw_anim_faster(&a);
    assert_true(a.pace_s == VW_PACE_MIN_S);
    for (int i = 0; i < 100; i++)
        vw_anim_slower(&a);
    assert_true(a.pace_s <= VW_PACE_MAX_S && a.speed >= VW_SPEED_MIN);
    char lbl[64];
    a.speed = 1e6;
    vw_anim_speed_label(&a, VW_LANG_EN, lbl, sizeof lbl);
    assert_string_equal(lbl, "1 ms of trace = 1 s");
    vw_anim_speed_label(&a, VW_LANG_KO, lbl, sizeof lbl);
    assert_string_equal(lbl, "트레이스 1 ms = 1초");
    vw_session_free(&s);
}

static vw_layout_opts opts(int w, int h, int lecture)
{
    vw_layout_opts o = {.w = w, .h = h, .lecture = lecture, .line_h = {16, 19, 26, 34}};
    return o;
}

static void layout_stacks_panels(void **state)
{
    (void)state;
    vw_session s = {0};
    fx_simple(&s);
    fx_simple(&s);
    vw_layout L = {0};
    vw_layout_opts o = opts(1600, 900, 0);
    vw_layout_build(&L, &s, &o);
    assert_int_equal(L.npanels, 2);
    assert_int_equal(L.panels[0].nbox, 2); /* one thread lane, the clients band */
    assert_true(L.panels[1].all.y >= L.panels[0].all.y + L.panels[0].all.h);
    assert_true(L.panels[1].all.y + L.panels[1].all.h <= L.legend.y);
    assert_true(L.minimap.y + L.minimap.h <= 900);
    assert_true(L.plot.x + L.plot.w < L.panels[0].counters.x + 1);
    int p, b;
    assert_int_equal(vw_layout_find(&L, L.panels[1].box[0].y + 1, &p, &b), 0);
    assert_int_equal(p, 1);
    assert_int_equal(b, 0);
    o.message = 1; /* a message bar gets its own row */
    vw_layout_build(&L, &s, &o);
    assert_true(L.message.h > 0);
    assert_true(L.panels[0].all.y >= L.message.y + L.message.h);
    o.lecture = 1;
    vw_layout_build(&L, &s, &o);
    assert_true(L.caption.h > 0);
    vw_layout_free(&L);
    vw_session_free(&s);
}

static void hover_finds_the_event(void **state)
{
    (void)state;
    vw_session s = {0};
    fx_simple(&s);
    vw_layout L = {0};
    vw_layout_opts o = opts(1600, 900, 0);
    vw_layout_build(&L, &s, &o);
    vw_view v;
    vw_view_init(&v, L.plot.x, L.plot.w, 10000);
    int y = L.panels[0].box[0].y + 2;
    vw_hit h = vw_hit_test(&s, &L, &v, (int)vw_view_px(&v, 4500), y);
    assert_int_equal(h.kind, VW_HIT_EVENT);
    assert_int_equal(h.idx, 1); /* the recv */
    h = vw_hit_test(&s, &L, &v, (int)vw_view_px(&v, 9500), y);
    assert_int_equal(h.kind, VW_HIT_NONE);
    h = vw_hit_test(&s, &L, &v, (int)vw_view_px(&v, 5000), L.panels[0].box[1].y + 2);
    assert_int_equal(h.kind, VW_HIT_EVENT); /* the request in the clients band */
    assert_int_equal(h.lane, 1);
    vw_layout_free(&L);
    vw_session_free(&s);
}

static const char *explain(const vw_run *r, int lane, size_t idx, vw_lang lang)
{
    static char buf[2048];
    vw_caption_explain(r, lane, idx, lang, buf, sizeof buf);
    return buf;
}

static void captions_explain_from_the_tables(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = fx_simple(&s);
    int lane;
    size_t idx;
    assert_int_equal(vw_caption_pick(r, 4500, &lane, &idx), 0);
    assert_int_equal(idx, 1);
    vw_ev *e = &r->lanes[lane].ev[idx];
    assert_non_null(strstr(explain(r, lane, idx, VW_LANG_EN), "table 11-1"));
    assert_non_null(strstr(explain(r, lane, idx, VW_LANG_KO), "표 11-1"));
    assert_non_null(strstr(explain(r, 0, 0, VW_LANG_EN), "read set"));
    assert_non_null(strstr(explain(r, 0, 0, VW_LANG_EN), "blocking call"));
    assert_non_null(strstr(explain(r, 0, 0, VW_LANG_EN), "timeout is NULL")); /* select's first case */
    vw_ev keep = *e;
    e->err = SS_E_WOULDBLOCK;
    assert_non_null(strstr(explain(r, lane, idx, VW_LANG_EN), "WSAEWOULDBLOCK"));
    *e = keep;
    e->api = SS_API_TRACE_WAIT; /* the recorder's own wait is named as such, and drawn as a wait */
    e->flags = 0;
    assert_non_null(strstr(explain(r, lane, idx, VW_LANG_EN), "recorder"));
    assert_non_null(strstr(explain(r, lane, idx, VW_LANG_KO), "기록기"));
    assert_int_equal(vw_ev_cat(e), VW_CAT_WAIT);
    *e = keep;
    assert_non_null(strstr(vw_caption_model("select", VW_LANG_EN), "64"));
    assert_non_null(strstr(vw_caption_model("iocp", VW_LANG_KO), "완료 포트"));
    char facts[256];
    vw_caption_facts(r, e, "main", VW_LANG_EN, facts, sizeof facts);
    assert_non_null(strstr(facts, "recv, socket 7, result 512"));
    vw_caption_facts(r, &r->lanes[0].ev[0], "main", VW_LANG_EN, facts, sizeof facts);
    assert_null(strstr(facts, "socket -1")); /* a wait over many sockets says how many */
    assert_int_equal(vw_caption_pick(r, -1, &lane, &idx), -1);
    vw_lang l;
    assert_int_equal(vw_lang_parse("ko", &l), 0);
    assert_int_equal(l, VW_LANG_KO);
    assert_int_equal(vw_lang_parse("fr", &l), -1);
    vw_session_free(&s);
}

/* A run whose median request waited for a delayed ACK says so, with its
 * measured median; the same run faster, or not prone to it, says nothing. */
static void delayed_ack_is_explained_with_the_median(void **state)
{
    (void)state;
    vw_lat_snap lat = {.t = 1, .count = 9, .p50 = 43520000, .p99 = 47710000};
    vw_run r = {.nagle_prone = 1, .size_max = 2048, .buffer = 512, .lat = &lat, .nlat = 1};
    char out[600];
    assert_int_equal(vw_caption_nagle_note(&r, VW_LANG_EN, out, sizeof out), 1);
    assert_non_null(strstr(out, "median 43.52 ms"));
    assert_non_null(strstr(out, "up to 2048 bytes are echoed in 512-byte pieces"));
    assert_non_null(strstr(out, "--nodelay"));
    assert_int_equal(vw_caption_nagle_note(&r, VW_LANG_KO, out, sizeof out), 1);
    assert_non_null(strstr(out, "중앙값 43.52 ms"));
    assert_non_null(strstr(out, "네이글"));
    lat.p50 = 2000000; /* 2 ms: the model's own time */
    assert_int_equal(vw_caption_nagle_note(&r, VW_LANG_EN, out, sizeof out), 0);
    lat.p50 = 43520000;
    r.nagle_prone = 0; /* --nodelay, small messages, a relay's latency or an outside program */
    assert_int_equal(vw_caption_nagle_note(&r, VW_LANG_EN, out, sizeof out), 0);
    r.nagle_prone = 1;
    r.nlat = 0; /* no request finished */
    assert_int_equal(vw_caption_nagle_note(&r, VW_LANG_EN, out, sizeof out), 0);
}

static void send(vw_app *app, vw_input_kind k, vw_key key, int ch, int x, int y, int wheel)
{
    vw_input in = {k, key, ch, x, y, 1, wheel, 0};
    vw_app_input(app, &in);
}

static void keys_and_mouse_drive_the_view(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1600, 900);
    fx_simple(&app.s);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_app_frame(&app, &d);
    vw_app_session_changed(&app);
    vw_app_frame(&app, &d);
    send(&app, VW_IN_KEY, VW_KEY_SPACE, 0, 0, 0, 0);
    assert_true(app.a.playing);
    vw_app_tick(&app, 2.5); /* the 10 µs on screen take 25 s: 2.5 s of screen time play 1 µs */
    assert_true(app.a.t > 999 && app.a.t < 1001);
    send(&app, VW_IN_KEY, VW_KEY_RIGHT, 0, 0, 0, 0); /* step: pauses, next event start */
    assert_false(app.a.playing);
    assert_true(app.a.t == 4000);
    double span = app.v.t1 - app.v.t0;
    int mid = app.v.x0 + app.v.w / 2, y = app.L.panels[0].box[0].y + 2;
    send(&app, VW_IN_WHEEL, 0, 0, mid, y, 3);
    assert_true(app.v.t1 - app.v.t0 < span / 1.9);
    double t0 = app.v.t0;
    send(&app, VW_IN_DOWN, 0, 0, mid, y, 0);
    send(&app, VW_IN_MOVE, 0, 0, mid - 100, y, 0);
    send(&app, VW_IN_UP, 0, 0, mid - 100, y, 0);
    assert_true(app.v.t0 > t0); /* dragged left: later times */
    send(&app, VW_IN_MOVE, 0, 0, (int)vw_view_px(&app.v, 4500), y, 0);
    assert_int_equal(app.hover.kind, VW_HIT_EVENT);
    send(&app, VW_IN_DOWN, 0, 0, (int)vw_view_px(&app.v, 4500), y, 0);
    assert_int_equal(app.sel.kind, VW_HIT_EVENT);
    send(&app, VW_IN_UP, 0, 0, 0, 0, 0);
    send(&app, VW_IN_KEY, VW_KEY_CHAR, 'l', 0, 0, 0);
    assert_true(app.lecture && app.want_fullscreen);
    send(&app, VW_IN_KEY, VW_KEY_CHAR, 'k', 0, 0, 0);
    assert_int_equal(app.lang, VW_LANG_KO);
    send(&app, VW_IN_KEY, VW_KEY_CHAR, 'f', 0, 0, 0);
    assert_true(app.v.t0 == 0 && app.v.t1 == 10000);
    vw_app_frame(&app, &d); /* the minimap is where the layout put it */
    const vw_rect *mm = &app.L.minimap;
    send(&app, VW_IN_DOWN, 0, 0, mm->x + mm->w / 4, mm->y + 2, 0);
    assert_true(app.a.t > 2400 && app.a.t < 2600);
    send(&app, VW_IN_UP, 0, 0, 0, 0, 0);
    send(&app, VW_IN_KEY, VW_KEY_ESCAPE, 0, 0, 0, 0); /* leaves lecture mode first */
    assert_false(app.lecture);
    assert_false(app.quit);
    send(&app, VW_IN_KEY, VW_KEY_CHAR, 'q', 0, 0, 0);
    assert_true(app.quit);
    vw_draw_free(&d);
    vw_app_free(&app);
}

/* More panels than fit: lanes keep a readable height and the panels page;
 * those on screen never run into the legend; PgDn/PgUp, the wheel over the
 * lane labels and Tab move the page, never past the last full one. */
static void many_panels_page(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1200, 500);
    for (int i = 0; i < 12; i++)
        fx_simple(&app.s);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_app_session_changed(&app);
    vw_app_frame(&app, &d);
    const vw_layout *L = &app.L;
    assert_int_equal(L->npanels, 12);
    assert_int_equal(L->first, 0);
    assert_true(L->shown >= 1 && L->shown < 12);
    for (int p = 0; p < L->npanels; p++) {
        const vw_panel_box *pb = &L->panels[p];
        int on = p >= L->first && p < L->first + L->shown;
        assert_int_equal(pb->all.h > 0, on);
        if (on) {
            assert_true(pb->all.y + pb->all.h <= L->legend.y);
            assert_true(pb->box[0].h >= 7); /* readable lanes */
        }
    }
    int shown = L->shown;
    send(&app, VW_IN_KEY, VW_KEY_PAGEDOWN, 0, 0, 0, 0);
    vw_app_frame(&app, &d);
    assert_int_equal(L->first, shown > 1 ? shown - 1 : 1);
    for (int i = 0; i < 20; i++) {
        send(&app, VW_IN_KEY, VW_KEY_PAGEDOWN, 0, 0, 0, 0);
        vw_app_frame(&app, &d);
    }
    assert_int_equal(L->first + L->shown, 12); /* the last page is full */
    int last_first = L->first;
    send(&app, VW_IN_WHEEL, 0, 0, 2, L->plot.y + 10, 1); /* over the labels: one panel up */
    vw_app_frame(&app, &d);
    assert_int_equal(L->first, last_first - 1);
    int p, b;
    assert_int_equal(vw_layout_find(L, L->panels[L->first].box[0].y + 1, &p, &b), 0);
    assert_int_equal(p, L->first);
    app.focus = 11;
    send(&app, VW_IN_KEY, VW_KEY_TAB, 0, 0, 0, 0); /* focus wraps to panel 0: it comes on screen */
    vw_app_frame(&app, &d);
    assert_int_equal(app.focus, 0);
    assert_int_equal(L->first, 0);
    vw_draw_free(&d);
    vw_app_free(&app);
}

static void wakeups_and_completions_are_arrows(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1600, 900);
    vw_run *r = vw_session_add_run(&app.s, "iocp");
    vw_lane *a = vw_run_lane(r, 0, SS_ROLE_SERVER, "worker 0");
    vw_lane *b = vw_run_lane(r, 1, SS_ROLE_SERVER, "worker 1");
    ss_event e1 = fx_ev(SS_API_WAKEUP, 1000, 1000, -1, 1, 0);          /* worker 0 wakes worker 1 */
    ss_event e2 = fx_ev(SS_API_EPOLL_WAIT, 0, 1200, -1, 1, FX_WAIT);
    ss_event e3 = fx_ev(SS_API_OP_COMPLETE, 3000, 3000, 9, 512, SS_EV_ASYNC);
    vw_lane_push(a, &e1);
    vw_lane_push(b, &e2);
    vw_lane_push(b, &e3);
    r->kernel.op = calloc(1, sizeof *r->kernel.op);
    r->kernel.t_end = calloc(1, sizeof *r->kernel.t_end);
    r->kernel.op[0] = (vw_op){.t0 = 2000, .dur = 1000, .sock = 9, .api = SS_API_RECV, .lane_from = 1, .lane_to = 1};
    r->kernel.t_end[0] = 3000;
    r->kernel.n = r->kernel.cap = 1;
    r->duration = 4000, r->has_end = 1;
    vw_run_finish(r);
    app.s.nevents = r->nevents;
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_app_frame(&app, &d);
    vw_app_session_changed(&app);
    vw_app_frame(&app, &d);
    const vw_panel_box *pb = &app.L.panels[0];
    int wake = 0, packet = 0, x1 = (int)vw_view_px(&app.v, 1000), x3 = (int)vw_view_px(&app.v, 3000);
    for (size_t i = 0; i < d.n; i++) {
        const vw_cmd *c = &d.cmd[i];
        if (c->kind != VW_CMD_ARROW)
            continue;
        wake |= c->x == x1 && c->y < pb->box[1].y && c->y + c->h >= pb->box[1].y; /* lane 0 down to lane 1 */
        packet |= c->x == x3 && c->y > pb->box[1].y + pb->box[1].h && c->y + c->h < c->y; /* kernel lane up */
    }
    assert_true(wake);
    assert_true(packet);
    vw_draw_free(&d);
    vw_app_free(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(counters_follow_the_playhead),
                                       cmocka_unit_test(counters_use_block_sums),
                                       cmocka_unit_test(playhead_moves_and_steps),
                                       cmocka_unit_test(layout_stacks_panels),
                                       cmocka_unit_test(many_panels_page),
                                       cmocka_unit_test(hover_finds_the_event),
                                       cmocka_unit_test(captions_explain_from_the_tables),
                                       cmocka_unit_test(keys_and_mouse_drive_the_view),
                                       cmocka_unit_test(wakeups_and_completions_are_arrows),
                                       cmocka_unit_test(delayed_ack_is_explained_with_the_median)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
