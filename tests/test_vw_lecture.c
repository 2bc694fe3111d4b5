/* Lecture mode without a window: every text fits where it is drawn (no two
 * overlap, none leaves the window) for every shipped preset in Korean and
 * English at projector sizes; the overview of many runs and its strips
 * opening into panels; group lane labels; the counters a preset's caption
 * asks about; captions that are never cut; Korean everywhere; the pace
 * (computed from the playhead maths, never from a clock) and follow mode. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render/app.h"
#include "render/capstrip.h"
#include "render/counters.h"
#include "render/layout.h"
#include "render/preset.h"
#include "render/scene.h"
#include "render/ui_text.h"
#include "testutil.h"
#include "vw_fixture.h"
#include "vw_textcheck.h"

/* the backend's font sizes (backend_sdl.c): estimated metrics at the same sizes */
static const int PX_NORMAL[VW_NFONTS] = {12, 14, 18, 24}, PX_LECTURE[VW_NFONTS] = {17, 21, 28, 34};

typedef struct frame {
    vw_app app;
    vw_draw d;
} frame;

static void redraw(frame *f) { vw_app_frame(&f->app, &f->d); }

/* a preset's trace at w x h, the playhead at `at` of the run, as the command line does it */
static void open_preset(frame *f, const char *preset, int w, int h, int lecture, vw_lang lang, double at)
{
    char path[1024];
    vw_app_init(&f->app, w, h);
    f->app.lecture = lecture;
    f->app.lang = lang;
    assert_int_equal(vw_app_load(&f->app, tc_trace(preset, path, sizeof path)), 0);
    vw_draw_init(&f->d, NULL, NULL, lecture ? PX_LECTURE : PX_NORMAL);
    redraw(f);
    vw_app_session_changed(&f->app);
    redraw(f);
    vw_anim_seek(&f->app.a, at * f->app.a.end);
    redraw(f);
}

static void close_frame(frame *f)
{
    vw_draw_free(&f->d);
    vw_app_free(&f->app);
}

static int count_text(const vw_draw *d, const char *s)
{
    int n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->cmd[i].kind == VW_CMD_TEXT && strcmp(vw_cmd_text(d, &d->cmd[i]), s) == 0;
    return n;
}

static void send_key(vw_app *app, vw_key k, int ch)
{
    vw_input in = {VW_IN_KEY, k, ch, 0, 0, 0, 0, 0};
    vw_app_input(app, &in);
}

static void click(vw_app *app, int x, int y)
{
    vw_input down = {VW_IN_DOWN, 0, 0, x, y, 1, 0, 0}, up = {VW_IN_UP, 0, 0, x, y, 1, 0, 0};
    vw_app_input(app, &down);
    vw_app_input(app, &up);
}

static int find_zone(const vw_app *app, int id, int arg)
{
    for (int i = 0; i < app->nzones; i++)
        if (app->zones[i].id == id && app->zones[i].arg == arg)
            return i;
    return -1;
}

/* --- text that fits ----------------------------------------------------------------- */
/* Every preset, Korean and English, 1024x768 and 1920x1080, lecture mode and
 * not: no two texts overlap, none leaves the window; every panel on screen
 * shows the counters its preset's caption asks about, and its lanes are all
 * labelled. */
static void texts_never_collide(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1024, 768}, {1920, 1080}};
    for (size_t p = 0; p < TC_NPRESETS; p++)
        for (int lang = 0; lang < 2; lang++)
            for (int s = 0; s < 2; s++)
                for (int lecture = 0; lecture < 2; lecture++) {
                    frame f;
                    char what[200];
                    snprintf(what, sizeof what, "%s %s %dx%d%s", TC_PRESETS[p], lang ? "ko" : "en", sizes[s][0],
                             sizes[s][1], lecture ? " lecture" : "");
                    open_preset(&f, TC_PRESETS[p], sizes[s][0], sizes[s][1], lecture, (vw_lang)lang, 0.5);
                    tc_assert_clean(&f.d, sizes[s][0], sizes[s][1], what);
                    /* no counter's value is cut to fit its box */
                    for (size_t k = 0; k < f.d.n; k++) {
                        const vw_cmd *c = &f.d.cmd[k];
                        const char *t = c->kind == VW_CMD_TEXT ? vw_cmd_text(&f.d, c) : "";
                        size_t len = strlen(t);
                        for (int q = 0; len >= 3 && q < f.app.L.npanels; q++)
                            if (vw_rect_has(&f.app.L.panels[q].counters, c->x, c->y) && strcmp(t + len - 3, "…") == 0) {
                                print_error("%s: a counter cut: \"%s\"\n", what, t);
                                fail();
                            }
                    }
                    vw_ctr asked[VW_NCTR];
                    int nasked = vw_preset_counters(TC_PRESETS[p], asked, VW_NCTR);
                    for (int k = 0; k < nasked; k++) {
                        const char *label = vw_label(vw_ctr_key(asked[k]), (vw_lang)lang);
                        if (count_text(&f.d, label) < f.app.L.shown) {
                            print_error("%s: \"%s\" is on %d of %d panels\n", what, label, count_text(&f.d, label),
                                        f.app.L.shown);
                            fail();
                        }
                    }
                    close_frame(&f);
                }
}

/* The counters box: cells inside the box, none overlapping, for a box too
 * small for everything (fewer shown, in order) and a roomy one (all). */
static void counters_layout_fits_its_box(void **state)
{
    (void)state;
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, PX_LECTURE);
    vw_ctr order[VW_NCTR];
    int n = vw_ctr_order(NULL, NULL, 0, order);
    assert_int_equal(n, VW_NCTR);
    const vw_rect boxes[] = {{800, 100, 240, 60}, {800, 100, 240, 400}, {1400, 100, 460, 120}, {10, 10, 160, 300}};
    for (size_t b = 0; b < sizeof boxes / sizeof boxes[0]; b++)
        for (int lang = 0; lang < 2; lang++) {
            vw_ctr_layout cl;
            vw_ctr_layout_build(&d, (vw_lang)lang, &boxes[b], VW_FONT_NORMAL, VW_FONT_SMALL, order, n, &cl);
            assert_true(cl.n >= 1);
            for (int i = 0; i < cl.n; i++) {
                const vw_ctr_cell *c = &cl.cell[i];
                assert_int_equal(c->k, order[i]); /* the most important first */
                const vw_rect *r[2] = {&c->label, &c->value};
                for (int k = 0; k < 2; k++)
                    assert_true(r[k]->x >= boxes[b].x && r[k]->y >= boxes[b].y &&
                                r[k]->x + r[k]->w <= boxes[b].x + boxes[b].w && r[k]->y + r[k]->h <= boxes[b].y + boxes[b].h);
                /* the value is drawn right-aligned in its rect: its sample's width must fit there */
                assert_true(vw_text_w(&d, cl.font, vw_ctr_sample(c->k)) <= c->value.w);
                assert_true(vw_text_w(&d, cl.font, vw_label(vw_ctr_key(c->k), (vw_lang)lang)) <= c->label.w);
                for (int j = 0; j < i; j++)
                    assert_false(vw_rect_overlap(&c->label, &cl.cell[j].label) || vw_rect_overlap(&c->label, &cl.cell[j].value) ||
                                 vw_rect_overlap(&c->value, &cl.cell[j].label) || vw_rect_overlap(&c->value, &cl.cell[j].value));
            }
            if (b == 1)
                assert_int_equal(cl.n, n); /* a tall box shows them all */
        }
    vw_draw_free(&d);
}

/* --- the overview ---------------------------------------------------------------------- */
/* Eleven models at 1920x1080 in lecture mode: one strip each, all on one
 * screen, each tall enough for its name and a line under it; a click on a
 * strip opens its full panel alone; the panel's "overview" button and Esc
 * go back; Tab and Enter do the same from the keyboard; O turns it off. */
static void overview_opens_panels_and_back(void **state)
{
    (void)state;
    frame f;
    open_preset(&f, "closing-comparison", 1920, 1080, 1, VW_LANG_KO, 0.5);
    vw_app *app = &f.app;
    const vw_layout *L = &app->L;
    assert_int_equal(app->s.nruns, 11);
    assert_true(app->overview_on);
    /* all eleven with the shipped font (test_vw_render); these estimated
     * metrics are larger than the font's, so at least most of them */
    assert_true(L->shown >= 7);
    int small = vw_text_h(&f.d, VW_FONT_SMALL);
    for (int p = 0; p < L->shown; p++) {
        const vw_panel_box *pb = &L->panels[p];
        assert_true(pb->all.h >= 2 * small + 8);
        assert_true(pb->all.y + pb->all.h <= L->caption.y);
        assert_int_equal(pb->nbox, 2); /* server state, queue */
        char name[96];
        snprintf(name, sizeof name, "%d. %s", p + 1, app->s.runs[p].model);
        assert_true(tc_drew(&f.d, name));
    }
    /* the mouse: a strip's title opens its panel */
    int z = find_zone(app, VW_Z_STRIP, 3);
    assert_true(z >= 0);
    click(app, app->zones[z].r.x + 5, app->zones[z].r.y + 5);
    assert_int_equal(app->open, 4);
    redraw(&f);
    assert_false(app->overview_on);
    for (int p = 0; p < 11; p++)
        assert_int_equal(L->panels[p].all.h > 0, p == 3);
    assert_int_equal(L->panels[3].nbox, app->s.runs[3].nserver + 1); /* its lanes and clients: the full panel */
    z = find_zone(app, VW_Z_BACK, 0);
    assert_true(z >= 0);
    click(app, app->zones[z].r.x + 2, app->zones[z].r.y + 2);
    assert_int_equal(app->open, 0);
    redraw(&f);
    assert_true(app->overview_on);
    /* a click in a strip's timeline opens it too; a drag there pans instead */
    const vw_panel_box *pb = &L->panels[6];
    click(app, L->plot.x + 40, pb->all.y + 3);
    assert_int_equal(app->open, 7);
    send_key(app, VW_KEY_ESCAPE, 0); /* Esc: back to the overview, still in lecture mode */
    assert_int_equal(app->open, 0);
    assert_true(app->lecture);
    redraw(&f);
    /* the keyboard: Tab moves the focus, Enter opens, Esc returns */
    app->focus = 0;
    send_key(app, VW_KEY_TAB, 0);
    send_key(app, VW_KEY_RETURN, 0);
    assert_int_equal(app->open, 2);
    send_key(app, VW_KEY_ESCAPE, 0);
    redraw(&f);
    assert_true(app->overview_on);
    /* O: the panels instead, paged; O again: the overview */
    send_key(app, VW_KEY_CHAR, 'o');
    redraw(&f);
    assert_false(app->overview_on);
    assert_true(L->shown < 11);
    send_key(app, VW_KEY_CHAR, 'o');
    redraw(&f);
    assert_true(app->overview_on);
    close_frame(&f);
}

/* --- lane labels ------------------------------------------------------------------------ */
static vw_run *many_lanes(vw_session *s, int conns, const char *prefix)
{
    vw_run *r = vw_session_add_run(s, "blocking-threads");
    vw_lane *m = vw_run_lane(r, 0, SS_ROLE_SERVER, "main");
    ss_event e = fx_ev(SS_API_ACCEPT, 0, 1000, 3, 5, FX_WAIT);
    vw_lane_push(m, &e);
    for (int i = 0; i < conns; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s %d", prefix, (i + 1) % conns); /* creation order: 1, 2, ..., 0 */
        vw_lane *l = vw_run_lane(r, (uint32_t)i + 1, SS_ROLE_SERVER, name);
        ss_event c = fx_ev(SS_API_RECV, 1000 + (uint64_t)i, 2000, 5, 1, SS_EV_KERNEL);
        vw_lane_push(l, &c);
    }
    vw_lane *cl = vw_run_lane(r, (uint32_t)conns + 1, SS_ROLE_CLIENT, "client 0");
    ss_event q = fx_ev(SS_API_REQUEST, 500, 3000, 9, 1, 0);
    vw_lane_push(cl, &q);
    r->duration = 4000, r->has_end = 1;
    vw_run_finish(r);
    s->nevents += r->nevents;
    return r;
}

/* spans in order, not overlapping, each tall enough for its text, and
 * every box labelled by exactly one of them */
static void assert_labels_cover(const vw_panel_box *pb, const vw_lane_label *lab, int n, int th)
{
    int next = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(lab[i].b0, next);
        assert_true(lab[i].b1 >= lab[i].b0);
        next = lab[i].b1 + 1;
        assert_true(lab[i].h >= th - 2);
        if (i)
            assert_true(lab[i].y >= lab[i - 1].y + lab[i - 1].h);
        /* centred in its span, a label of height th stays off its neighbours' */
        if (i) {
            vw_rect a = {0, lab[i - 1].y + (lab[i - 1].h - th) / 2, 10, th}, b = {0, lab[i].y + (lab[i].h - th) / 2, 10, th};
            assert_false(vw_rect_overlap(&a, &b));
        }
    }
    assert_int_equal(next, pb->nbox);
}

static void thin_lanes_are_labelled_as_a_group(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = many_lanes(&s, 20, "conn");
    vw_layout L = {0};
    vw_layout_opts o = {.w = 1024, .h = 768, .lecture = 1, .line_h = {22, 27, 36, 44}};
    vw_layout_build(&L, &s, &o);
    const vw_panel_box *pb = &L.panels[0];
    assert_int_equal(pb->nbox, 22);
    assert_true(pb->box[1].h < 20); /* thinner than the text */
    vw_lane_label lab[64];
    int th = 22, n = vw_lane_labels(r, pb, th, VW_LANG_EN, lab, 64);
    assert_labels_cover(pb, lab, n, th);
    int found = 0;
    for (int i = 0; i < n; i++) /* the twenty as one group (with "main", thinner than its text, joined) */
        found |= strstr(lab[i].text, "conn 0–19") && lab[i].b0 <= 1 && lab[i].b1 == 20;
    assert_true(found);
    /* tall lanes: one label each */
    n = vw_lane_labels(r, pb, 4, VW_LANG_EN, lab, 64);
    assert_int_equal(n, 22);
    assert_string_equal(lab[0].text, "main");
    assert_string_equal(lab[1].text, "conn 1");
    assert_string_equal(lab[21].text, "clients");
    /* so thin that even a group is too short: it joins a neighbour, nothing vanishes */
    n = vw_lane_labels(r, pb, pb->all.h / 2, VW_LANG_KO, lab, 64);
    assert_labels_cover(pb, lab, n, pb->all.h / 2);
    vw_layout_free(&L);
    vw_session_free(&s);
    /* workers, numbered from 1 */
    vw_session w = {0};
    r = many_lanes(&w, 4, "worker");
    for (int i = 1; i <= 4; i++)
        snprintf(r->lanes[i].name, sizeof r->lanes[i].name, "worker %d", i);
    vw_layout_build(&L, &w, &o);
    n = vw_lane_labels(r, &L.panels[0], 200, VW_LANG_EN, lab, 64);
    assert_int_equal(n, 1); /* one label for the whole panel */
    n = vw_lane_labels(r, &L.panels[0], L.panels[0].box[1].h * 2, VW_LANG_EN, lab, 64);
    assert_labels_cover(&L.panels[0], lab, n, L.panels[0].box[1].h * 2);
    found = 0;
    for (int i = 0; i < n; i++)
        found |= strstr(lab[i].text, "worker 1–4") != NULL;
    assert_true(found);
    vw_layout_free(&L);
    vw_session_free(&w);
}

/* --- counters --------------------------------------------------------------------------- */
/* Would-block returns and CPU time at the playhead; the index and the walk agree. */
static void counters_count_cpu_and_would_block(void **state)
{
    (void)state;
    vw_session s = {0};
    vw_run *r = vw_session_add_run(&s, "nonblocking");
    vw_lane *l = vw_run_lane(r, 0, SS_ROLE_SERVER, "main");
    for (int i = 0; i < 1000; i++) { /* 1000 calls of 50 ns every 100 ns, every other one WOULDBLOCK */
        ss_event e = fx_ev(SS_API_RECV, (uint64_t)i * 100, (uint64_t)i * 100 + 50, 5, i % 2 ? -1 : 1, SS_EV_KERNEL | SS_EV_MAYBLOCK);
        e.err = i % 2 ? SS_E_WOULDBLOCK : 0;
        vw_lane_push(l, &e);
    }
    ss_event w = fx_ev(SS_API_SELECT, 100000, 200000, -1, 1, FX_WAIT); /* slept: no CPU */
    vw_lane_push(l, &w);
    ss_event refused = fx_ev(SS_API_REFUSED, 200100, 200100, 7, 0, 0);
    vw_lane_push(l, &refused);
    r->duration = 300000, r->has_end = 1;
    vw_run_finish(r);
    s.nevents = r->nevents;
    vw_cindex_set set = {0};
    const vw_cindex *x = vw_cindex_get(&set, &s, 0);
    assert_non_null(x);
    vw_counters a, b;
    vw_counters_at_x(r, x, 50025, &a); /* 500 calls done, the 501st half way */
    vw_counters_at(r, 50025, &b);
    assert_int_equal(a.wouldblock, 250);
    assert_int_equal(b.wouldblock, 250);
    assert_int_equal(a.cpu_ns, 500 * 50 + 25);
    assert_int_equal(b.cpu_ns, a.cpu_ns);
    vw_counters_at_x(r, x, 250000, &a);
    assert_int_equal(a.wouldblock, 500);
    assert_int_equal(a.refused, 1);
    assert_int_equal(a.cpu_ns, 1000 * 50); /* the slept select adds none */
    assert_int_equal(x->total.refused, 1);
    char v[64];
    vw_ctr_value(&a, VW_CTR_WOULDBLOCK, v, sizeof v);
    assert_string_equal(v, "500");
    vw_ctr_value(&a, VW_CTR_CPU, v, sizeof v);
    assert_string_equal(v, "50 μs");
    /* what a readiness model never does stays off its box unless asked */
    vw_ctr order[VW_NCTR], asked[1] = {VW_CTR_PACKETS};
    int n = vw_ctr_order(&x->total, NULL, 0, order);
    for (int i = 0; i < n; i++)
        assert_int_not_equal(order[i], VW_CTR_PACKETS);
    n = vw_ctr_order(&x->total, asked, 1, order);
    assert_int_equal(order[0], VW_CTR_PACKETS);
    vw_cindex_free(&set);
    vw_session_free(&s);
}

/* Every shipped preset says which counters its caption asks about, and a
 * run recorded from a preset finds the preset and its caption. */
static void presets_name_their_counters_and_captions(void **state)
{
    (void)state;
    for (size_t p = 0; p < TC_NPRESETS; p++)
        assert_true(vw_preset_listed(TC_PRESETS[p]));
    vw_ctr k[VW_NCTR];
    int n = vw_preset_counters("nonblocking-cpu-cost", k, VW_NCTR);
    assert_int_equal(n, 2);
    assert_int_equal(k[0], VW_CTR_CPU);
    assert_int_equal(k[1], VW_CTR_WOULDBLOCK);
    vw_run r;
    memset(&r, 0, sizeof r);
    char name[64];
    snprintf(r.params, sizeof r.params, "clients=6 seed=7 scenario=closing-comparison");
    assert_int_equal(vw_run_scenario(&r, name, sizeof name), 0);
    assert_string_equal(name, "closing-comparison");
    snprintf(r.params, sizeof r.params, "clients=6 scenario=../../etc/passwd");
    assert_int_equal(vw_run_scenario(&r, name, sizeof name), -1);
    snprintf(r.params, sizeof r.params, "clients=6");
    assert_int_equal(vw_run_scenario(&r, name, sizeof name), -1);
    vw_preset_cache pc = {0};
    const vw_preset *pr = vw_preset_get(&pc, "closing-comparison", NULL); /* no trace: the caption before a run */
    assert_non_null(pr);
    assert_non_null(strstr(vw_preset_caption(pr, VW_LANG_EN), "closing comparison"));
    assert_non_null(strstr(vw_preset_caption(pr, VW_LANG_KO), "마지막 비교"));
    assert_null(strchr(vw_preset_caption(pr, VW_LANG_EN), '{')); /* no placeholder left */
    assert_null(vw_preset_get(&pc, "no-such-preset", NULL));
}

/* Lecture mode shows the preset's caption for a trace recorded from it. */
static void preset_caption_is_on_screen(void **state)
{
    (void)state;
    for (int lang = 0; lang < 2; lang++) {
        frame f;
        open_preset(&f, "wan-link", 1280, 720, 1, (vw_lang)lang, 0.3);
        vw_preset_cache pc = {0}; /* the caption held to the runs on screen: their trace fills it */
        const char *cap = vw_preset_caption(vw_preset_get(&pc, "wan-link", f.app.s.runs[0].source), (vw_lang)lang);
        assert_null(strchr(cap, '{'));
        assert_null(strstr(cap, "…")); /* every figure measured */
        char head[32];
        snprintf(head, sizeof head, "%.12s", cap); /* its first words, on the strip's first line */
        assert_true(tc_drew(&f.d, head));
        /* and the whole of it: the strip's scenario lines joined give the caption back */
        char joined[2048] = "";
        for (int i = 0; i < f.app.cap.n; i++)
            if (f.app.cap.line[i].style == VW_CS_SCENARIO) {
                strcat(joined, vw_capstrip_text(&f.app.cap, i));
                strcat(joined, " ");
            }
        assert_non_null(strstr(joined, head));
        const char *tail = cap + strlen(cap) - 8;
        assert_non_null(strstr(joined, tail));
        close_frame(&f);
    }
}

/* --- captions are never cut ----------------------------------------------------------------- */
static void norm(char *s) /* spaces collapsed: wrapping only changes where lines break */
{
    char *o = s;
    for (char *p = s; *p; p++)
        if (*p != ' ' && *p != '\n')
            *o++ = *p;
    *o = 0;
}

static void captions_grow_or_page(void **state)
{
    (void)state;
    frame f;
    open_preset(&f, "iterative-vs-threads-slow-client", 1024, 768, 1, VW_LANG_KO, 0.5);
    vw_app *app = &f.app;
    /* the explanation, whole, in the strip */
    int lane;
    size_t idx;
    const vw_run *r = &app->s.runs[app->focus];
    assert_int_equal(vw_caption_pick(r, app->a.t, &lane, &idx), 0);
    char want[2048], got[4096] = "";
    vw_caption_explain(r, lane, idx, VW_LANG_KO, want, sizeof want);
    for (int i = 0; i < app->cap.n; i++)
        if (app->cap.line[i].style == VW_CS_EXPLAIN)
            strcat(got, vw_capstrip_text(&app->cap, i));
    norm(want);
    norm(got);
    assert_string_equal(got, want);
    /* the preset's caption, filled with what the run measured, may take a
     * second page at this size: the strip then grows to its limit */
    assert_true(app->cap.npages >= 1);
    assert_true(app->L.caption.h >= app->cap.h);
    /* a strip that may not grow pages instead, with a mark, and C turns the page */
    vw_capstrip cs;
    memset(&cs, 0, sizeof cs);
    vw_capstrip_build(&cs, app, &f.d, 500, 150, 0);
    assert_true(cs.npages > 1);
    assert_true(cs.h <= 150);
    assert_int_equal(cs.first[cs.npages], cs.n); /* every line on some page */
    app->cap = cs;
    app->cap_h = cs.h;
    vw_draw_reset(&f.d);
    vw_scene_build(app, &f.d);
    char more[64];
    snprintf(more, sizeof more, vw_label("more_fmt", VW_LANG_KO), 1, cs.npages);
    assert_true(tc_drew(&f.d, more));
    send_key(app, VW_KEY_CHAR, 'c');
    assert_int_equal(app->cap.page, 1);
    close_frame(&f);
}

/* --- Korean everywhere ------------------------------------------------------------------------ */
static void korean_everywhere(void **state)
{
    (void)state;
    frame f;
    open_preset(&f, "threads-vs-iocp-cpu-work", 1920, 1080, 1, VW_LANG_KO, 0.5);
    vw_app *app = &f.app;
    app->overview = VW_OV_OFF; /* the panels: buttons, lanes, titles */
    redraw(&f);
    /* the interface's English must not show: header, buttons, counters, legend */
    static const char *const english[] = {"PAUSED", "PLAYING", "of trace", "pace:", "socket calls", "user code",
                                          "whole run", "blocked", "threads", "up", "down", "overview", "clients"};
    for (size_t i = 0; i < sizeof english / sizeof english[0]; i++)
        for (size_t k = 0; k < f.d.n; k++) {
            const char *s = f.d.cmd[k].kind == VW_CMD_TEXT ? vw_cmd_text(&f.d, &f.d.cmd[k]) : "";
            if (strcmp(s, english[i]) == 0 || (strlen(english[i]) > 4 && strncmp(s, english[i], strlen(english[i])) == 0)) {
                print_error("English on a Korean screen: \"%s\"\n", s);
                fail();
            }
        }
    assert_true(tc_drew(&f.d, "일시 정지"));
    assert_true(tc_drew(&f.d, "속도: 화면 한 폭"));
    /* mechanism lines of every model of this build are in Korean */
    size_t n;
    const ss_model *const *ms = ss_models(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(vw_mechanism(ms[i]->name, ms[i]->mechanism, VW_LANG_KO), ms[i]->mechanism) == 0) {
            print_error("no Korean for %s's mechanism: add it to render/ui_text.c (MECHS)\n", ms[i]->name);
            fail();
        }
    assert_string_equal(vw_mechanism("select", "something newer", VW_LANG_KO), "something newer");
    /* the select line once recorded "1024 here" on runs limited to 64: shown as corrected, in both languages */
    static const char old_select[] = "select(2) over non-blocking sockets; FD_SETSIZE as the run's fd_setsize says "
                                     "(1024 here, Winsock's 64 with --fd-setsize 64)";
    assert_non_null(strstr(vw_mechanism("select", old_select, VW_LANG_EN), "a set holds at most the run's fd_setsize"));
    assert_non_null(strstr(vw_mechanism("select", old_select, VW_LANG_KO), "실행의 fd_setsize개까지"));
    assert_null(strstr(vw_mechanism("select", old_select, VW_LANG_KO), "여기서는"));
    /* and of every run in the shipped traces, the Winsock ones included */
    static const char *const more[] = {"win-closing-comparison", "win-async-select-busy-ui", "win-event-select-64-limit",
                                       "win-overlapped-both-ways", "win-select-64-limit", "win-threads-vs-iocp-cpu-work"};
    for (size_t t = 0; t < TC_NPRESETS + sizeof more / sizeof more[0]; t++) {
        vw_session s = {0};
        char path[1024], err[256];
        const char *name = t < TC_NPRESETS ? TC_PRESETS[t] : more[t - TC_NPRESETS];
        assert_int_equal(vw_session_load(&s, tc_trace(name, path, sizeof path), err, sizeof err), 0);
        for (int r = 0; r < s.nruns; r++)
            if (strcmp(vw_mechanism(s.runs[r].model, s.runs[r].mechanism, VW_LANG_KO), s.runs[r].mechanism) == 0) {
                print_error("%s: no Korean for %s's \"%s\" (render/ui_text.c, MECHS)\n", name, s.runs[r].model,
                            s.runs[r].mechanism);
                fail();
            }
        vw_session_free(&s);
    }
    /* a tooltip */
    int p = app->L.first;
    const vw_panel_box *pb = &app->L.panels[p];
    assert_true(pb->all.h > 0 && pb->nbox > 0 && pb->box[0].kind == VW_BOX_THREAD);
    const vw_box *b = &pb->box[0];
    const vw_lane *l = &app->s.runs[p].lanes[b->lane];
    assert_true(l->n > 0);
    int x = (int)vw_view_px(&app->v, (double)l->ev[l->n / 2].t0 + 1);
    vw_input mv = {VW_IN_MOVE, 0, 0, x, b->y + b->h / 2, 0, 0, 0};
    vw_app_input(app, &mv);
    assert_int_equal(app->hover.kind, VW_HIT_EVENT);
    redraw(&f);
    assert_true(tc_drew(&f.d, "소켓 "));
    assert_true(tc_drew(&f.d, "걸린 시간"));
    assert_false(tc_drew(&f.d, "kernel entry"));
    /* the run form's messages */
    char st[640];
    vw_form_status(&app->form, VW_LANG_KO, st, sizeof st);
    assert_string_equal(st, "모델이나 프리셋을 고르고 실행을 누르세요");
    close_frame(&f);
}

/* --- pace and follow mode ------------------------------------------------------------------------ */
/* Seconds of screen time until the playhead crosses the span on screen,
 * ticked at 25 frames a second (simulated: no clock is read). */
static double seconds_to_cross(vw_app *app)
{
    double t1 = app->v.t1, s = 0;
    vw_anim_seek(&app->a, app->v.t0 > 0 ? app->v.t0 : 0);
    app->a.playing = 1;
    while (app->a.t < t1 && app->a.playing && s < 3600) {
        vw_app_tick(app, 0.04);
        s += 0.04;
    }
    app->a.playing = 0;
    return s;
}

static void the_visible_span_plays_in_half_a_minute(void **state)
{
    (void)state;
    frame f;
    open_preset(&f, "closing-comparison", 1920, 1080, 1, VW_LANG_EN, 0);
    vw_app *app = &f.app;
    double span = app->v.t1 - app->v.t0;
    assert_true(span / app->a.speed >= 20 && span / app->a.speed <= 30);
    double s = seconds_to_cross(app);
    print_message("opening view (%.1f ms): %.2f s of screen time\n", span / 1e6, s);
    assert_true(s >= 20 && s <= 30);
    send_key(app, VW_KEY_CHAR, 'f'); /* the whole run */
    redraw(&f);
    s = seconds_to_cross(app);
    print_message("whole run (%.1f ms): %.2f s\n", (app->v.t1 - app->v.t0) / 1e6, s);
    assert_true(s >= 20 && s <= 30);
    for (int i = 0; i < 4; i++)
        send_key(app, VW_KEY_PLUS, 0); /* 16x in: the span is shorter, the pace the same */
    redraw(&f);
    s = seconds_to_cross(app);
    print_message("zoomed 16x (%.3f ms): %.2f s\n", (app->v.t1 - app->v.t0) / 1e6, s);
    assert_true(s >= 20 && s <= 30);
    /* shown, and changed by up and down */
    char label[160];
    vw_anim_pace_label(&app->a, VW_LANG_EN, label, sizeof label);
    assert_non_null(strstr(label, "screen in 25 s"));
    assert_true(tc_drew(&f.d, label));
    send_key(app, VW_KEY_UP, 0);
    s = seconds_to_cross(app);
    assert_true(s >= 10 && s <= 15);
    send_key(app, VW_KEY_DOWN, 0);
    send_key(app, VW_KEY_DOWN, 0);
    s = seconds_to_cross(app);
    assert_true(s >= 40 && s <= 60);
    /* a speed set directly (--speed) is kept, as the pace it gives */
    app->a.speed = (app->v.t1 - app->v.t0) / 8;
    vw_app_tick(app, 0);
    assert_true(fabs(app->a.pace_s - 8) < 1e-9);
    close_frame(&f);
}

static void zooming_keeps_the_playhead_on_screen(void **state)
{
    (void)state;
    frame f;
    open_preset(&f, "wan-link", 1600, 900, 0, VW_LANG_EN, 0.5);
    vw_app *app = &f.app;
    double t = app->a.t;
    assert_true(app->follow && vw_view_contains(&app->v, t));
    /* the wheel at the far left, many times: zoom about the mouse, playhead kept */
    for (int i = 0; i < 12; i++) {
        vw_input w = {VW_IN_WHEEL, 0, 0, app->L.plot.x + 2, app->L.plot.y + 5, 0, 1, 0};
        vw_app_input(app, &w);
        assert_true(vw_view_contains(&app->v, t));
    }
    assert_true(app->v.t1 - app->v.t0 < app->a.end / 10);
    /* + and - keep it where it is on screen */
    double x = vw_view_px(&app->v, t);
    send_key(app, VW_KEY_PLUS, 0);
    assert_true(fabs(vw_view_px(&app->v, t) - x) < 1.5);
    /* a drag looks elsewhere on purpose: follow mode is off, the header says P brings it back */
    int y = app->L.panels[0].box[0].y + 1;
    vw_input down = {VW_IN_DOWN, 0, 0, app->L.plot.x + 600, y, 1, 0, 0};
    vw_input move = {VW_IN_MOVE, 0, 0, app->L.plot.x + 1400, y, 0, 0, 0};
    vw_input up = {VW_IN_UP, 0, 0, app->L.plot.x + 1400, y, 1, 0, 0};
    for (int i = 0; i < 5; i++) {
        vw_app_input(app, &down);
        vw_app_input(app, &move);
        vw_app_input(app, &up);
    }
    assert_false(app->follow);
    assert_false(vw_view_contains(&app->v, t));
    redraw(&f);
    assert_true(tc_drew(&f.d, vw_label("follow_off", VW_LANG_EN)));
    send_key(app, VW_KEY_CHAR, 'p');
    assert_true(app->follow && vw_view_contains(&app->v, t));
    /* playing in follow mode: the view pages forward with the playhead */
    app->a.playing = 1;
    for (int i = 0; i < 2000 && app->a.playing; i++) {
        vw_app_tick(app, 0.1);
        assert_true(vw_view_contains(&app->v, app->a.t));
    }
    close_frame(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(texts_never_collide),
        cmocka_unit_test(counters_layout_fits_its_box),
        cmocka_unit_test(overview_opens_panels_and_back),
        cmocka_unit_test(thin_lanes_are_labelled_as_a_group),
        cmocka_unit_test(counters_count_cpu_and_would_block),
        cmocka_unit_test(presets_name_their_counters_and_captions),
        cmocka_unit_test(preset_caption_is_on_screen),
        cmocka_unit_test(captions_grow_or_page),
        cmocka_unit_test(korean_everywhere),
        cmocka_unit_test(the_visible_span_plays_in_half_a_minute),
        cmocka_unit_test(zooming_keeps_the_playhead_on_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
