/* scene_chrome.c — everything around the panels: header with the playhead
 * and speed, the time axis, the legend, the lecture caption, the run form,
 * the mini-map, the hover tooltip, error messages; and the frame itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/caption.h"
#include "render/ui_text.h"
#include "render/scene_int.h"

void vw_sc_zone(vw_sc *c, int x, int y, int w, int h, int id, int arg)
{
    vw_app *app = c->app;
    if (app->nzones < VW_MAX_ZONES)
        app->zones[app->nzones++] = (vw_zone){{x, y, w, h}, id, arg};
}

void vw_sc_header(vw_sc *c)
{
    vw_app *app = c->app;
    if (app->slide)
        return;
    const vw_rect *r = &app->L.header;
    char ph[32], speed[64], line[400];
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_CAPTION);
    int x = 10 + vw_text(c->d, 10, r->y + 4, VW_FONT_TITLE, VW_RGB(0xff, 0xff, 0xff), VW_ALIGN_LEFT, "sockscope");
    vw_fmt_ns(app->a.t, ph, sizeof ph);
    vw_anim_speed_label(&app->a, speed, sizeof speed);
    snprintf(line, sizeof line, "%s   t = %s   %s", app->a.playing ? "PLAYING" : "PAUSED", ph, speed);
    int ty = r->y + (r->h - vw_text_h(c->d, c->f_body)) / 2;
    vw_text(c->d, x + 20, ty, c->f_body, VW_RGB(0xff, 0xff, 0xff), VW_ALIGN_LEFT, line);
    const char *keys = app->lang == VW_LANG_KO
                           ? "스페이스 재생  ←/→ 이벤트  ↑/↓ 속도  휠 확대  드래그 이동  L 강의  K 언어  R 실행  S 저장"
                           : "space play  <-/-> step  up/down speed  wheel zoom  drag pan  L lecture  K lang  R run  S shot";
    vw_text(c->d, r->w - 10, r->y + (r->h - vw_text_h(c->d, VW_FONT_SMALL)) / 2, VW_FONT_SMALL,
            VW_RGB(0xd8, 0xe4, 0xf0), VW_ALIGN_RIGHT, keys);
}

void vw_sc_axis(vw_sc *c)
{
    const vw_rect *r = &c->app->L.axis;
    const vw_view *v = c->v;
    double step = vw_tick_step(v, 90);
    double t = ceil(v->t0 / step) * step;
    int bottom = c->app->L.plot.y + c->app->L.plot.h;
    for (int guard = 0; t <= v->t1 && guard < 200; t += step, guard++) {
        int x = (int)vw_view_px(v, t);
        char s[32];
        vw_fmt_ns(t, s, sizeof s);
        vw_line(c->d, x, r->y + r->h - 4, x, bottom, VW_C_GRID, 1);
        vw_text(c->d, x + 3, r->y + 1, VW_FONT_SMALL, VW_C_TEXT_DIM, VW_ALIGN_LEFT, s);
    }
    const vw_layout *L = &c->app->L;
    if (L->shown < L->npanels) { /* paged: say which, and how to see the others */
        char s[96];
        const char *keys = c->app->slide ? "" : "  PgUp/PgDn"; /* a slide has no keys */
        if (c->app->lang == VW_LANG_KO)
            snprintf(s, sizeof s, "패널 %d-%d / %d%s", L->first + 1, L->first + L->shown, L->npanels, keys);
        else
            snprintf(s, sizeof s, "panels %d-%d of %d%s", L->first + 1, L->first + L->shown, L->npanels, keys);
        vw_text(c->d, c->app->w - 8, r->y + 1, VW_FONT_SMALL, VW_C_TEXT, VW_ALIGN_RIGHT, s);
    }
}

static int legend_item(vw_sc *c, int x, int y, int h, vw_rgba col, const char *key, int tick)
{
    if (tick)
        vw_fill(c->d, x + 4, y + 1, 4, h - 2, col);
    else
        vw_fill(c->d, x, y + 2, h + 4, h - 4, col);
    vw_frame(c->d, x, y + 1, h + 4, h - 2, VW_C_TEXT_DIM, 1);
    return x + h + 10 + vw_text(c->d, x + h + 8, y, c->f_label, VW_C_TEXT, VW_ALIGN_LEFT, vw_label(key, c->app->lang)) + 14;
}

void vw_sc_legend(vw_sc *c)
{
    const vw_rect *r = &c->app->L.legend;
    int h = vw_text_h(c->d, c->f_label), x = r->x + 8, y = r->y + (r->h - h) / 2;
    x = legend_item(c, x, y, h, VW_C_USER, "user", 0);
    x = legend_item(c, x, y, h, VW_C_KERNEL, "kernel", 0);
    x = legend_item(c, x, y, h, VW_C_WAIT, "wait", 0);
    x = legend_item(c, x, y, h, VW_C_IDLE, "idle", 0);
    x = legend_item(c, x, y, h, VW_C_PACKET, "completion", 1);
    x = legend_item(c, x, y, h, VW_C_INFLIGHT, "inflight", 0);
    x = legend_item(c, x, y, h, VW_C_MESSAGE, "message", 0);
    x = legend_item(c, x, y, h, VW_C_REQUEST, "request", 0);
    for (int i = 0; i < c->app->s.nruns; i++)
        if (vw_run_has_emul(&c->app->s.runs[i])) {
            legend_item(c, x, y, h, VW_C_EMUL, "emul", 0);
            break;
        }
}

typedef struct wrap_ctx {
    vw_sc *c;
    int x, y, lh;
    vw_font f;
    vw_rgba col;
    int max_lines, lines;
} wrap_ctx;

static void wrap_line(void *ud, const char *s, size_t n)
{
    wrap_ctx *w = ud;
    if (w->lines >= w->max_lines)
        return;
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), s);
    vw_text(w->c->d, w->x, w->y + w->lines * w->lh, w->f, w->col, VW_ALIGN_LEFT, buf);
    w->lines++;
}

static int wrapped(vw_sc *c, int x, int y, int w, vw_font f, vw_rgba col, int max_lines, const char *s)
{
    wrap_ctx ctx = {c, x, y, vw_text_h(c->d, f), f, col, max_lines, 0};
    vw_wrap(c->d, f, s, w, wrap_line, &ctx);
    return ctx.lines * ctx.lh;
}

/* "[model] thread — call(...)": the facts line of a panel at the playhead */
static int facts_line(const vw_app *app, int p, char *out, size_t n, const vw_ev **ev)
{
    const vw_run *run = &app->s.runs[p];
    int lane;
    size_t idx;
    char facts[400];
    if (vw_caption_pick(run, app->a.t, &lane, &idx) != 0) {
        snprintf(out, n, "[%s] %s", run->model,
                 app->lang == VW_LANG_KO ? "재생을 누르면 첫 호출부터 설명합니다." : "Press play: each call is explained as it happens.");
        *ev = NULL;
        return -1;
    }
    *ev = &run->lanes[lane].ev[idx];
    vw_caption_facts(run, *ev, run->lanes[lane].name, app->lang, facts, sizeof facts);
    snprintf(out, n, "[%s] %s", run->model, facts);
    return 0;
}

void vw_sc_caption(vw_sc *c)
{
    vw_app *app = c->app;
    const vw_rect *r = &app->L.caption;
    if (r->h <= 0 || app->s.nruns == 0)
        return;
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_CAPTION);
    int p = app->focus < app->s.nruns ? app->focus : 0;
    const vw_ev *e;
    char line[500];
    int y = r->y + 6, x = r->x + 12, w = r->w - 24;
    facts_line(app, p, line, sizeof line, &e);
    y += wrapped(c, x, y, w, VW_FONT_LARGE, VW_C_PACKET, 1, line);
    int lane;
    size_t idx;
    if (e && vw_caption_pick(&app->s.runs[p], app->a.t, &lane, &idx) == 0) {
        char text[2048];
        vw_caption_explain(&app->s.runs[p], lane, idx, app->lang, text, sizeof text);
        y += wrapped(c, x, y, w, VW_FONT_LARGE, VW_RGB(0xff, 0xff, 0xff), 2, text);
    }
    y += wrapped(c, x, y + 2, w, VW_FONT_NORMAL, VW_RGB(0xd8, 0xe4, 0xf0), 2, vw_caption_model(app->s.runs[p].model, app->lang));
    /* the other panels at the same instant, one line each (Tab moves the focus) */
    for (int k = 1; k < app->s.nruns && k <= 2; k++) {
        facts_line(app, (p + k) % app->s.nruns, line, sizeof line, &e);
        y += wrapped(c, x, y + 4, w, VW_FONT_NORMAL, VW_RGB(0xb8, 0xc8, 0xd8), 1, line);
    }
}

static int button(vw_sc *c, int x, int y, int h, const char *label, int on, int id, int arg)
{
    int w = vw_text_w(c->d, c->f_label, label) + 14;
    vw_fill(c->d, x, y, w, h, on ? VW_C_KERNEL : VW_C_BG);
    vw_frame(c->d, x, y, w, h, VW_C_TEXT_DIM, 1);
    vw_text(c->d, x + 7, y + (h - vw_text_h(c->d, c->f_label)) / 2, c->f_label, on ? VW_C_BG : VW_C_TEXT,
            VW_ALIGN_LEFT, label);
    vw_sc_zone(c, x, y, w, h, id, arg);
    return x + w + 6;
}

/* "preset < name >" and the preset's caption in the viewer's language */
static void preset_row(vw_sc *c, const vw_runform *f, const vw_rect *r, int y, int bh)
{
    int ko = c->app->lang == VW_LANG_KO, x = r->x + 8;
    x += vw_text(c->d, x, y + 3, c->f_label, VW_C_TEXT, VW_ALIGN_LEFT, vw_label("preset:", c->app->lang)) + 8;
    x = button(c, x, y, bh, "<", 0, VW_Z_PRESET, -1);
    const char *name = f->preset >= 0 ? f->presets[f->preset] : vw_label("(none)", c->app->lang);
    x += vw_text(c->d, x, y + 3, c->f_label, VW_C_TEXT, VW_ALIGN_LEFT, name) + 6;
    x = button(c, x, y, bh, ">", 0, VW_Z_PRESET, +1) + 10;
    const char *cap = f->preset < 0 || !f->sc ? "" : ko ? f->sc->caption_ko : f->sc->caption_en;
    vw_text_fit(c->d, x, y + 3, c->f_label, VW_C_TEXT_DIM, cap, r->x + r->w - 8 - x);
}

void vw_sc_form(vw_sc *c)
{
    vw_app *app = c->app;
    vw_runform *f = &app->form;
    const vw_rect *r = &app->L.form;
    if (r->h <= 0 || app->slide)
        return;
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_PANEL);
    vw_frame(c->d, r->x, r->y, r->w, r->h, VW_C_TEXT_DIM, 1);
    int bh = vw_text_h(c->d, c->f_label) + 6, x = r->x + 8, y = r->y + 6;
    x += vw_text(c->d, x, y + 3, c->f_label, VW_C_TEXT, VW_ALIGN_LEFT, vw_label("models:", app->lang)) + 8;
    for (int i = 0; i < f->nmodels; i++)
        x = button(c, x, y, bh, f->model[i], f->on[i], VW_Z_MODEL, i);
    y += bh + 6;
    preset_row(c, f, r, y, bh);
    x = r->x + 8;
    y += bh + 6;
    for (int k = 0; k < VW_NFIELDS; k++) {
        char s[64];
        snprintf(s, sizeof s, "%s %ld", vw_label(vw_field_name((vw_field)k), app->lang), f->value[k]);
        x = button(c, x, y, bh, "-", 0, VW_Z_FIELD_DOWN, k);
        x += vw_text(c->d, x, y + 3, c->f_label, VW_C_TEXT, VW_ALIGN_LEFT, s) + 6;
        x = button(c, x, y, bh, "+", 0, VW_Z_FIELD_UP, k) + 10;
    }
    int running = atomic_load(&f->running);
    x = button(c, x + 10, y, bh, vw_label(running ? "running..." : "Run", app->lang), !running, VW_Z_RUN, 0);
    char st[640];
    vw_form_status(f, st, sizeof st);
    int pw = running ? 200 : 0;
    vw_text_fit(c->d, x + 8, y + 3, c->f_label, VW_C_TEXT_DIM, st, r->x + r->w - pw - 24 - (x + 8));
    if (running) { /* progress bar: models done of models asked */
        int n = atomic_load(&f->progress_count), k = atomic_load(&f->progress_model);
        int done = n ? pw * (k - 1) / n : 0;
        vw_frame(c->d, r->x + r->w - pw - 12, y + 2, pw, bh - 4, VW_C_TEXT_DIM, 1);
        vw_fill(c->d, r->x + r->w - pw - 12, y + 2, done + pw / (n ? n * 3 : 3), bh - 4, VW_C_USER);
    }
}

void vw_scene_minimap_cache(vw_app *app)
{
    int w = app->L.minimap.w;
    if (app->mm && app->mm_w == w && app->mm_runs == app->s.nruns && app->mm_events == app->s.nevents)
        return;
    free(app->mm);
    app->mm = calloc((size_t)(w > 0 ? w : 1) * (size_t)(app->s.nruns ? app->s.nruns : 1), 1);
    app->mm_w = w;
    app->mm_runs = app->s.nruns;
    app->mm_events = app->s.nevents;
    if (!app->mm || w <= 0)
        return;
    vw_view full;
    vw_view_init(&full, 0, w, vw_session_duration(&app->s));
    vw_seg *seg = malloc((size_t)w * 4 * sizeof *seg);
    if (!seg)
        return;
    for (int r = 0; r < app->s.nruns; r++) {
        const vw_run *run = &app->s.runs[r];
        double *acc = calloc((size_t)w, sizeof *acc);
        for (int l = 0; acc && l < run->nserver; l++) {
            int n = vw_fold_lane(&run->lanes[l], &full, 0, seg, w * 4);
            for (int i = 0; i < n; i++)
                for (int x = seg[i].x0; x < seg[i].x1 && x < w; x++)
                    acc[x] += seg[i].folded ? (seg[i].frac[VW_CAT_WAIT] + seg[i].frac[VW_CAT_KERNEL]) / 1000.0
                              : vw_ev_cat(&run->lanes[l].ev[seg[i].idx]) == VW_CAT_USER ? 0 : 1;
        }
        for (int x = 0; acc && x < w; x++) {
            double f = run->nserver ? acc[x] / run->nserver : 0;
            app->mm[(size_t)r * (size_t)w + (size_t)x] = (uint8_t)(f > 1 ? 255 : f * 255);
        }
        free(acc);
    }
    free(seg);
}

void vw_sc_minimap(vw_sc *c)
{
    vw_app *app = c->app;
    const vw_rect *r = &app->L.minimap;
    if (app->slide)
        return;
    vw_scene_minimap_cache(app);
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_PANEL);
    int n = app->s.nruns, rh = n ? r->h / n : r->h;
    int *h = malloc((size_t)(app->mm_w > 0 ? app->mm_w : 1) * sizeof *h);
    for (int k = 0; k < n && app->mm && h; k++) {
        for (int x = 0; x < app->mm_w; x++)
            h[x] = app->mm[(size_t)k * (size_t)app->mm_w + (size_t)x] * (rh - 1) / 255;
        vw_sc_bars(c, r->x, h, app->mm_w, r->y + (k + 1) * rh, VW_C_KERNEL, 0);
    }
    free(h);
    /* the visible range and the playhead, on the full-trace scale */
    double dur = (double)vw_session_duration(&app->s);
    if (dur <= 0)
        dur = 1;
    int x0 = r->x + (int)(fmax(0, app->v.t0) / dur * r->w), x1 = r->x + (int)(fmin(dur, app->v.t1) / dur * r->w);
    vw_frame(c->d, x0, r->y, x1 - x0 > 2 ? x1 - x0 : 2, r->h, VW_C_WAIT, 2);
    int px = r->x + (int)(app->a.t / dur * r->w);
    vw_fill(c->d, px - 1, r->y - 2, 3, r->h + 4, VW_C_PLAYHEAD);
    vw_text(c->d, r->x - 6, r->y + (r->h - vw_text_h(c->d, VW_FONT_SMALL)) / 2, VW_FONT_SMALL, VW_C_TEXT_DIM,
            VW_ALIGN_RIGHT, app->lang == VW_LANG_KO ? "전체" : "whole run");
}

static void tip_event(const vw_run *r, const vw_hit *h, char lines[8][160], int *n)
{
    const vw_lane *l = &r->lanes[h->lane];
    const vw_ev *e = &l->ev[h->idx];
    char t0[32], dur[32];
    vw_fmt_ns((double)e->t0, t0, sizeof t0);
    vw_fmt_ns((double)vw_ev_dur(e), dur, sizeof dur);
    char label[96];
    vw_ev_label(r, e, VW_LANG_EN, label, sizeof label);
    if (e->api == SS_API_OP_SUBMIT || e->api == SS_API_OP_COMPLETE)
        snprintf(lines[(*n)++], 160, "%.80s: %.20s   (%.40s)", label, ss_api_name(e->sub), l->name);
    else
        snprintf(lines[(*n)++], 160, "%.100s   (%.40s)", label, l->name);
    if (l->kind == VW_LANE_EMUL || (e->flags & SS_EV_EMUL))
        snprintf(lines[(*n)++], 160, "Linux stand-in machinery: not the Windows program's, counted apart");
    if (vw_ev_watched(e) >= 0)
        snprintf(lines[(*n)++], 160, "over %d sockets   result %d%s%s", vw_ev_watched(e), e->ret,
                 vw_ev_err(e) ? "  " : "", vw_ev_err(e) ? ss_err_name(vw_ev_err(e)) : "");
    else
        snprintf(lines[(*n)++], 160, "socket %d   result %d%s%s", e->sock, e->ret, vw_ev_err(e) ? "  " : "",
                 vw_ev_err(e) ? ss_err_name(vw_ev_err(e)) : "");
    snprintf(lines[(*n)++], 160, "at %s   took %s", t0, dur);
    char waits[32]; /* "did not sleep" only where sleeping was measured (sim/server.h) */
    vw_param_value(r->params, "waits", waits, sizeof waits);
    const char *no_wait = waits[0] && strcmp(waits, "measured") != 0 ? ", sleep not measured here" : ", did not sleep";
    snprintf(lines[(*n)++], 160, "%s%s%s", (e->flags & SS_EV_KERNEL) ? "kernel entry" : "no kernel entry",
             (e->flags & SS_EV_MAYBLOCK) ? ", could block" : "",
             (e->flags & SS_EV_WAITED) ? ", the thread slept (blocked)" : (e->flags & SS_EV_MAYBLOCK) ? no_wait : "");
}

static void tip_op(const vw_run *r, const vw_hit *h, char lines[8][160], int *n)
{
    const vw_oplane *o = h->kind == VW_HIT_OP ? &r->kernel : &r->msgs;
    const vw_op *op = &o->op[h->idx];
    char t0[32], dur[32];
    vw_fmt_ns((double)op->t0, t0, sizeof t0);
    vw_fmt_ns((double)vw_op_dur(op), dur, sizeof dur);
    if (h->kind == VW_HIT_OP)
        snprintf(lines[(*n)++], 160, "asynchronous %s on socket %d", ss_api_name(op->api), op->sock);
    else {
        char ne[64];
        vw_net_events(op->api, ne, sizeof ne);
        snprintf(lines[(*n)++], 160, "window message %s on socket %d", ne[0] ? ne : "?", op->sock);
    }
    snprintf(lines[(*n)++], 160, "%s at %s, %s %s", h->kind == VW_HIT_OP ? "submitted" : "posted", t0,
             op->open ? "never completed; open for" : "in flight for", dur);
    const char *from = op->lane_from < r->nlanes ? r->lanes[op->lane_from].name : "?";
    const char *to = op->lane_to < r->nlanes ? r->lanes[op->lane_to].name : "?";
    snprintf(lines[(*n)++], 160, "by %s, taken by %s%s", from, to, op->ret_neg ? " (failed)" : "");
    if (h->kind == VW_HIT_OP && !op->open)
        snprintf(lines[(*n)++], 160, "completion queue held %u packet%s when it was taken", op->depth,
                 op->depth == 1 ? "" : "s");
}

void vw_sc_tooltip(vw_sc *c)
{
    vw_app *app = c->app;
    const vw_hit *h = &app->hover;
    if (!h->kind || h->run >= app->s.nruns || app->slide)
        return;
    char lines[8][160];
    int n = 0;
    if (h->kind == VW_HIT_EVENT)
        tip_event(&app->s.runs[h->run], h, lines, &n);
    else
        tip_op(&app->s.runs[h->run], h, lines, &n);
    int lh = vw_text_h(c->d, c->f_label), w = 0;
    for (int i = 0; i < n; i++) {
        int tw = vw_text_w(c->d, c->f_label, lines[i]);
        w = tw > w ? tw : w;
    }
    int x = app->mx + 16, y = app->my + 16, bw = w + 16, bh = n * lh + 10;
    if (x + bw > app->w) x = app->mx - bw - 8;
    if (y + bh > app->h) y = app->my - bh - 8;
    vw_fill(c->d, x, y, bw, bh, VW_C_TIP_BG);
    vw_frame(c->d, x, y, bw, bh, VW_C_TEXT, 1);
    for (int i = 0; i < n; i++)
        vw_text(c->d, x + 8, y + 5 + i * lh, c->f_label, i ? VW_C_TEXT : VW_C_KERNEL, VW_ALIGN_LEFT, lines[i]);
}

void vw_sc_message(vw_sc *c)
{
    vw_app *app = c->app;
    if (app->message[0]) {
        const vw_rect *r = &app->L.message; /* room the layout kept */
        vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_ERROR_BG);
        vw_text_fit(c->d, 12, r->y + 5, c->f_body, VW_C_TEXT, app->message, r->w - 24);
    }
    if (app->s.nruns == 0) {
        const char *s = app->lang == VW_LANG_KO
                            ? "열린 실행이 없습니다. R을 눌러 모델을 실행하거나 sockscope view FILE 로 트레이스를 여세요."
                            : "No runs loaded. Press R to run models here, or open a trace: sockscope view FILE";
        vw_text(c->d, app->w / 2, app->L.plot.y + app->L.plot.h / 3, VW_FONT_LARGE, VW_C_TEXT_DIM, VW_ALIGN_CENTER, s);
    }
}

static void playhead(vw_sc *c)
{
    const vw_rect *p = &c->app->L.plot;
    if (c->ph_x < p->x || c->ph_x > p->x + p->w || !c->show_playhead)
        return;
    int x = (int)c->ph_x;
    vw_fill(c->d, x - 1, c->app->L.axis.y, 2, p->y + p->h - c->app->L.axis.y, VW_C_PLAYHEAD);
    vw_fill(c->d, x - 5, c->app->L.axis.y, 11, 5, VW_C_WAIT);
}

void vw_scene_build(vw_app *app, vw_draw *d)
{
    vw_sc c = {.app = app, .d = d, .v = &app->v, .arrows_left = VW_ARROW_BUDGET, .dots_left = VW_TRAVEL_DOTS};
    c.f_label = app->lecture ? VW_FONT_NORMAL : VW_FONT_SMALL;
    c.f_body = app->lecture ? VW_FONT_LARGE : VW_FONT_NORMAL;
    c.ph_x = vw_view_px(&app->v, app->a.t);
    /* a slide at the end (its default) shows a finished run, not a moment */
    c.show_playhead = !(app->slide && app->a.t >= app->a.end);
    c.segcap = app->v.w * 3 + 16;
    c.seg = malloc((size_t)c.segcap * sizeof *c.seg);
    app->nzones = 0;
    vw_fill(d, 0, 0, app->w, app->h, VW_C_BG);
    vw_sc_axis(&c);
    for (int p = 0; c.seg && p < app->s.nruns && p < app->L.npanels; p++)
        vw_sc_panel(&c, p);
    playhead(&c);
    vw_sc_header(&c);
    vw_sc_message(&c);
    vw_sc_form(&c);
    vw_sc_caption(&c);
    vw_sc_legend(&c);
    vw_sc_minimap(&c);
    vw_sc_tooltip(&c);
    free(c.seg);
}
