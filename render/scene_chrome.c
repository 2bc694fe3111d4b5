/* scene_chrome.c — everything around the panels: header with the playhead
 * and speed, the time axis, the legend, the lecture caption, the run form,
 * the mini-map, the hover tooltip, error messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/caption.h"
#include "render/scene_chrome.h"
#include "render/scene_kit.h"
#include "render/ui_text.h"

/* the widest of the fonts (largest first) in which s fits room; -1: none */
static int font_for(vw_sc *c, const char *s, int room, const vw_font *fonts, int n)
{
    for (int i = 0; i < n; i++)
        if (vw_text_w(c->d, fonts[i], s) <= room)
            return (int)fonts[i];
    return -1;
}

static int centred_y(vw_sc *c, const vw_rect *r, vw_font f) { return r->y + (r->h - vw_text_h(c->d, f)) / 2; }

/* The header: name, PLAYING/PAUSED and the playhead's time, the pace (shown
 * always: it is what up/down change), a reminder of P when the playhead is
 * off screen, and the key hints when there is room for them. Each piece is
 * measured; a piece that does not fit takes a smaller font, and the hints
 * go when nothing fits. */
void vw_sc_header(vw_sc *c)
{
    vw_app *app = c->app;
    if (app->slide)
        return;
    const vw_rect *r = &app->L.header;
    vw_lang lang = app->lang;
    const vw_rgba white = VW_RGB(0xff, 0xff, 0xff), soft = VW_RGB(0xd8, 0xe4, 0xf0);
    char ph[32], status[96], pace[160];
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_CAPTION);
    int right = r->w - 10, x = 10;
    if (vw_text_w(c->d, VW_FONT_TITLE, "sockscope") < r->w / 5)
        x += vw_text(c->d, x, r->y + 4, VW_FONT_TITLE, white, VW_ALIGN_LEFT, "sockscope") + 20;
    vw_fmt_ns(app->a.t, ph, sizeof ph);
    snprintf(status, sizeof status, "%s   t = %s", vw_label(app->a.playing ? "PLAYING" : "PAUSED", lang), ph);
    const vw_font big[] = {c->f_body, c->f_label, VW_FONT_SMALL}, small[] = {c->f_label, VW_FONT_SMALL};
    int f = font_for(c, status, right - x, big, 3);
    vw_font fs = f < 0 ? VW_FONT_SMALL : (vw_font)f;
    x += vw_text_fit(c->d, x, centred_y(c, r, fs), fs, white, status, right - x) + 24;
    vw_anim_pace_label(&app->a, lang, pace, sizeof pace);
    f = font_for(c, pace, right - x, small, 2);
    fs = f < 0 ? VW_FONT_SMALL : (vw_font)f;
    x += vw_text_fit(c->d, x, centred_y(c, r, fs), fs, soft, pace, right - x) + 24;
    if (!vw_view_contains(c->v, app->a.t) && app->s.nruns) {
        const char *hint = vw_label("follow_off", lang);
        if (vw_text_w(c->d, VW_FONT_SMALL, hint) <= right - x)
            x += vw_text(c->d, x, centred_y(c, r, VW_FONT_SMALL), VW_FONT_SMALL, VW_C_PACKET, VW_ALIGN_LEFT, hint) + 24;
    }
    const char *keys[] = {vw_label("keys_long", lang), vw_label("keys_short", lang)};
    for (int i = 0; i < 2; i++)
        if (vw_text_w(c->d, VW_FONT_SMALL, keys[i]) <= right - x) {
            vw_text(c->d, right, centred_y(c, r, VW_FONT_SMALL), VW_FONT_SMALL, soft, VW_ALIGN_RIGHT, keys[i]);
            break;
        }
}

/* what the right end of the axis row says: which panels are on screen, or
 * how to use the overview */
static void axis_note(vw_sc *c, char *s, size_t n)
{
    const vw_app *app = c->app;
    const vw_layout *L = &app->L;
    s[0] = 0;
    if (L->shown < L->npanels && !app->open) /* a slide has no keys */
        snprintf(s, n, vw_label(app->slide ? "panels_slide_fmt" : "panels_fmt", app->lang), L->first + 1,
                 L->first + L->shown, L->npanels);
    else if (app->overview_on && !app->slide)
        snprintf(s, n, vw_label("overview_fmt", app->lang), L->npanels);
}

void vw_sc_axis(vw_sc *c)
{
    const vw_rect *r = &c->app->L.axis;
    const vw_view *v = c->v;
    char note[160];
    axis_note(c, note, sizeof note);
    int W = c->app->w, limit = W - 4;
    if (note[0]) {
        int nw = vw_text_w(c->d, VW_FONT_SMALL, note);
        limit = W - 8 - nw - 10;
        vw_text(c->d, W - 8, r->y + 1, VW_FONT_SMALL, VW_C_TEXT, VW_ALIGN_RIGHT, note);
    }
    double step = vw_tick_step(v, c->app->lecture ? 130 : 90);
    double t = ceil(v->t0 / step) * step;
    int bottom = c->app->L.plot.y + c->app->L.plot.h, last_end = -1000;
    for (int guard = 0; t <= v->t1 && guard < 200; t += step, guard++) {
        int x = (int)vw_view_px(v, t);
        char s[32];
        vw_fmt_ns(t, s, sizeof s);
        vw_line(c->d, x, r->y + r->h - 4, x, bottom, VW_C_GRID, 1);
        int tw = vw_text_w(c->d, VW_FONT_SMALL, s);
        if (x + 3 + tw > limit || x + 3 < last_end + 8)
            continue; /* a label would run into the note or into its neighbour */
        vw_text(c->d, x + 3, r->y + 1, VW_FONT_SMALL, VW_C_TEXT_DIM, VW_ALIGN_LEFT, s);
        last_end = x + 3 + tw;
    }
}

static void legend_item(vw_sc *c, const vw_rect *r, vw_rgba col, const char *key, int tick)
{
    int h = r->h;
    if (tick)
        vw_fill(c->d, r->x + 4, r->y + 1, 4, h - 2, col);
    else
        vw_fill(c->d, r->x, r->y + 2, h + 4, h - 4, col);
    vw_frame(c->d, r->x, r->y + 1, h + 4, h - 2, VW_C_TEXT_DIM, 1);
    vw_text(c->d, r->x + h + 12, r->y, c->app->L.f_legend, VW_C_TEXT, VW_ALIGN_LEFT, vw_label(key, c->app->lang));
}

/* the legend's items where the layout put them (in rows when the screen is narrow) */
void vw_sc_legend(vw_sc *c)
{
    const vw_layout *L = &c->app->L;
    static const vw_rgba col[VW_LEGEND_N] = {VW_C_USER,     VW_C_KERNEL,  VW_C_WAIT,    VW_C_IDLE, VW_C_PACKET,
                                             VW_C_INFLIGHT, VW_C_MESSAGE, VW_C_REQUEST, VW_C_EMUL};
    for (int i = 0; i < VW_LEGEND_N; i++)
        if (L->legend_key[i])
            legend_item(c, &L->legend_item[i], col[i], L->legend_key[i], i == 4);
}

static vw_rgba style_color(int style)
{
    switch (style) {
    case VW_CS_SCENARIO: return VW_C_INFLIGHT;
    case VW_CS_FACTS: return VW_C_PACKET;
    case VW_CS_EXPLAIN: return VW_RGB(0xff, 0xff, 0xff);
    case VW_CS_MODEL: return VW_RGB(0xd8, 0xe4, 0xf0);
    default: return VW_RGB(0xb8, 0xc8, 0xd8);
    }
}

/* The lecture caption strip: the page of lines the app built this frame
 * (capstrip.c), and when the text pages, a "more" mark that turns it. */
void vw_sc_caption(vw_sc *c)
{
    vw_app *app = c->app;
    const vw_rect *r = &app->L.caption;
    const vw_capstrip *cs = &app->cap;
    if (r->h <= 0 || app->s.nruns == 0)
        return;
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_CAPTION);
    int page = cs->page < cs->npages ? cs->page : 0;
    for (int i = cs->first[page]; i < cs->first[page + 1]; i++) {
        const vw_cs_line *l = &cs->line[i];
        vw_text(c->d, r->x + 12, r->y + VW_CS_PAD + l->y, (vw_font)l->font, style_color(l->style), VW_ALIGN_LEFT,
                vw_capstrip_text(cs, i));
    }
    if (cs->npages > 1) {
        char more[64];
        snprintf(more, sizeof more, vw_label("more_fmt", app->lang), page + 1, cs->npages);
        int w = vw_text_w(c->d, VW_FONT_SMALL, more), h = vw_text_h(c->d, VW_FONT_SMALL);
        int x = r->x + r->w - 12 - w, y = r->y + r->h - VW_CS_PAD / 2 - h;
        vw_text(c->d, x, y, VW_FONT_SMALL, VW_C_PACKET, VW_ALIGN_LEFT, more);
        vw_sc_zone(c, x - 4, y, w + 8, h, VW_Z_MORE, 0);
    }
}

/* The run form flows left to right and onto a new row when the next item
 * does not fit: on a narrow screen or in lecture type the models and the
 * fields wrap instead of running off the edge. */
typedef struct flow {
    vw_sc *c;
    int x0, x1, x, y, rowh;
} flow;

/* where an item w wide goes: on this row, or the next */
static int flow_at(flow *f, int w)
{
    if (f->x > f->x0 && f->x + w > f->x1) {
        f->x = f->x0;
        f->y += f->rowh;
    }
    return f->x;
}

static void flow_newline(flow *f)
{
    f->x = f->x0;
    f->y += f->rowh;
}

static int button_w(vw_sc *c, const char *label) { return vw_text_w(c->d, c->f_label, label) + 14; }

static void button(flow *f, const char *label, int on, int id, int arg)
{
    vw_sc *c = f->c;
    int w = button_w(c, label), h = f->rowh - 6, x = flow_at(f, w);
    vw_fill(c->d, x, f->y, w, h, on ? VW_C_KERNEL : VW_C_BG);
    vw_frame(c->d, x, f->y, w, h, VW_C_TEXT_DIM, 1);
    vw_text(c->d, x + 7, f->y + (h - vw_text_h(c->d, c->f_label)) / 2, c->f_label, on ? VW_C_BG : VW_C_TEXT,
            VW_ALIGN_LEFT, label);
    vw_sc_zone(c, x, f->y, w, h, id, arg);
    f->x = x + w + 6;
}

static void flow_text(flow *f, const char *s, vw_rgba col)
{
    int w = vw_text_w(f->c->d, f->c->f_label, s), x = flow_at(f, w);
    vw_text(f->c->d, x, f->y + 3, f->c->f_label, col, VW_ALIGN_LEFT, s);
    f->x = x + w + 8;
}

/* one workload field: "- clients 10 +", kept together on a row */
static void field(flow *f, int k)
{
    vw_app *app = f->c->app;
    char s[64];
    snprintf(s, sizeof s, "%s %ld", vw_label(vw_field_name((vw_field)k), app->lang), app->form.value[k]);
    int w = 2 * button_w(f->c, "-") + 12 + vw_text_w(f->c->d, f->c->f_label, s) + 10;
    flow_at(f, w);
    button(f, "-", 0, VW_Z_FIELD_DOWN, k);
    flow_text(f, s, VW_C_TEXT);
    button(f, "+", 0, VW_Z_FIELD_UP, k);
    f->x += 10;
}

/* "preset < name >", then the preset's caption in the viewer's language, whole */
static void preset_rows(flow *f)
{
    vw_sc *c = f->c;
    vw_runform *form = &c->app->form;
    int ko = c->app->lang == VW_LANG_KO;
    flow_text(f, vw_label("preset:", c->app->lang), VW_C_TEXT);
    button(f, "<", 0, VW_Z_PRESET, -1);
    flow_text(f, form->preset >= 0 ? form->presets[form->preset] : vw_label("(none)", c->app->lang), VW_C_TEXT);
    button(f, ">", 0, VW_Z_PRESET, +1);
    const char *cap = form->preset < 0 || !form->sc ? "" : ko ? form->sc->caption_ko : form->sc->caption_en;
    if (!cap[0])
        return;
    /* wrapped into the rest of this row's width and the rows below */
    char buf[1200];
    snprintf(buf, sizeof buf, "%s", cap);
    const char *p = buf;
    f->x += 4;
    while (*p) {
        if (f->x1 - f->x < f->rowh * 4)
            flow_newline(f);
        size_t n = strlen(p), lo = 1, hi = n;
        char line[1200];
        /* the longest prefix that fits, ended at a space when there is one */
        while (lo < hi) {
            size_t mid = (lo + hi + 1) / 2;
            snprintf(line, sizeof line, "%.*s", (int)mid, p);
            if (vw_text_w(c->d, c->f_label, line) <= f->x1 - f->x)
                lo = mid;
            else
                hi = mid - 1;
        }
        while (lo < n && (p[lo] & 0xc0) == 0x80) /* never inside a character */
            lo--;
        size_t cut = lo;
        if (cut < n) {
            size_t sp = cut;
            while (sp > 0 && p[sp] != ' ')
                sp--;
            cut = sp > 0 ? sp : cut > 0 ? cut : 1;
        }
        snprintf(line, sizeof line, "%.*s", (int)cut, p);
        vw_text(c->d, f->x, f->y + 3, c->f_label, VW_C_TEXT_DIM, VW_ALIGN_LEFT, line);
        p += cut;
        while (*p == ' ')
            p++;
        if (*p)
            flow_newline(f);
    }
}

/* the form's items from y; returns the height they took */
static int form_items(vw_sc *c, int x, int y, int w)
{
    vw_app *app = c->app;
    vw_runform *f = &app->form;
    flow fl = {c, x + 8, x + w - 8, x + 8, y + 6, vw_text_h(c->d, c->f_label) + 12};
    flow_text(&fl, vw_label("models:", app->lang), VW_C_TEXT);
    for (int i = 0; i < f->nmodels; i++)
        button(&fl, f->model[i], f->on[i], VW_Z_MODEL, i);
    flow_newline(&fl);
    preset_rows(&fl);
    flow_newline(&fl);
    for (int k = 0; k < VW_NFIELDS; k++)
        field(&fl, k);
    int running = atomic_load(&f->running);
    fl.x += 10;
    button(&fl, vw_label(running ? "running..." : "Run", app->lang), !running, VW_Z_RUN, 0);
    char st[640];
    vw_form_status(f, app->lang, st, sizeof st);
    int pw = running ? 200 : 0;
    if (fl.x1 - fl.x - pw < fl.rowh * 6)
        flow_newline(&fl);
    vw_text_fit(c->d, fl.x + 8, fl.y + 3, c->f_label, VW_C_TEXT_DIM, st, fl.x1 - pw - 16 - (fl.x + 8));
    if (running) { /* progress bar: models done of models asked */
        int n = atomic_load(&f->progress_count), k = atomic_load(&f->progress_model), bh = fl.rowh - 6;
        int done = n ? pw * (k - 1) / n : 0;
        vw_frame(c->d, fl.x1 - pw, fl.y + 2, pw, bh - 4, VW_C_TEXT_DIM, 1);
        vw_fill(c->d, fl.x1 - pw, fl.y + 2, done + pw / (n ? n * 3 : 3), bh - 4, VW_C_USER);
    }
    return fl.y + fl.rowh + 6 - y;
}

int vw_scene_form_height(vw_app *app, vw_draw *d, int w)
{
    vw_sc c = {.app = app, .d = d, .v = &app->v};
    c.f_label = app->lecture ? VW_FONT_NORMAL : VW_FONT_SMALL;
    int nz = app->nzones, h = form_items(&c, 0, 0, w);
    app->nzones = nz; /* measuring: what it drew is reset before the frame */
    return h;
}

void vw_sc_form(vw_sc *c)
{
    const vw_rect *r = &c->app->L.form;
    if (r->h <= 0 || c->app->slide)
        return;
    vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_PANEL);
    vw_frame(c->d, r->x, r->y, r->w, r->h, VW_C_TEXT_DIM, 1);
    form_items(c, r->x, r->y, r->w);
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
    /* a row per run; more runs than rows of a few pixels share one row (their mean) */
    int n = app->s.nruns, rows = n > 4 ? 1 : n, rh = rows ? r->h / rows : r->h;
    int *h = malloc((size_t)(app->mm_w > 0 ? app->mm_w : 1) * sizeof *h);
    for (int k = 0; k < rows && app->mm && h; k++) {
        for (int x = 0; x < app->mm_w; x++) {
            int sum = 0, m = rows == n ? 1 : n;
            for (int j = 0; j < m; j++)
                sum += app->mm[(size_t)(rows == n ? k : j) * (size_t)app->mm_w + (size_t)x];
            h[x] = sum / m * (rh - 1) / 255;
        }
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
            VW_ALIGN_RIGHT, vw_label("whole run", app->lang));
}

static void tip_event(const vw_run *r, const vw_hit *h, vw_lang lang, char lines[8][160], int *n)
{
    const vw_lane *l = &r->lanes[h->lane];
    const vw_ev *e = &l->ev[h->idx];
    char t0[32], dur[32];
    vw_fmt_ns((double)e->t0, t0, sizeof t0);
    vw_fmt_ns((double)vw_ev_dur(e), dur, sizeof dur);
    char label[96];
    vw_ev_label(r, e, lang, label, sizeof label);
    if (e->api == SS_API_OP_SUBMIT || e->api == SS_API_OP_COMPLETE)
        snprintf(lines[(*n)++], 160, "%.80s: %.20s   (%.40s)", label, ss_api_name(e->sub), vw_lane_title(l, lang));
    else
        snprintf(lines[(*n)++], 160, "%.100s   (%.40s)", label, vw_lane_title(l, lang));
    if (l->kind == VW_LANE_EMUL || (e->flags & SS_EV_EMUL))
        snprintf(lines[(*n)++], 160, "%s", vw_label("tip_emul", lang));
    if (vw_ev_watched(e) >= 0)
        snprintf(lines[(*n)++], 160, vw_label("tip_watched_fmt", lang), vw_ev_watched(e), e->ret,
                 vw_ev_err(e) ? "  " : "", vw_ev_err(e) ? ss_err_name(vw_ev_err(e)) : "");
    else
        snprintf(lines[(*n)++], 160, vw_label("tip_sock_fmt", lang), e->sock, e->ret, vw_ev_err(e) ? "  " : "",
                 vw_ev_err(e) ? ss_err_name(vw_ev_err(e)) : "");
    snprintf(lines[(*n)++], 160, vw_label("tip_at_fmt", lang), t0, dur);
    char waits[32]; /* "did not sleep" only where sleeping was measured (sim/run/server.h) */
    vw_param_value(r->params, "waits", waits, sizeof waits);
    const char *no_wait = vw_label(waits[0] && strcmp(waits, "measured") != 0 ? ", not measured" : ", did not sleep", lang);
    snprintf(lines[(*n)++], 160, "%s%s%s", vw_label((e->flags & SS_EV_KERNEL) ? "kernel entry" : "no kernel entry", lang),
             (e->flags & SS_EV_MAYBLOCK) ? vw_label(", could block", lang) : "",
             (e->flags & SS_EV_WAITED) ? vw_label(", slept", lang) : (e->flags & SS_EV_MAYBLOCK) ? no_wait : "");
}

static void tip_op(const vw_run *r, const vw_hit *h, vw_lang lang, char lines[8][160], int *n)
{
    int op_lane = h->kind == VW_HIT_OP;
    const vw_oplane *o = op_lane ? &r->kernel : &r->msgs;
    const vw_op *op = &o->op[h->idx];
    char t0[32], dur[32];
    vw_fmt_ns((double)op->t0, t0, sizeof t0);
    vw_fmt_ns((double)vw_op_dur(op), dur, sizeof dur);
    if (op_lane) {
        snprintf(lines[(*n)++], 160, vw_label("tip_async_fmt", lang), ss_api_name(op->api), op->sock);
    } else {
        char ne[64];
        vw_net_events(op->api, ne, sizeof ne);
        snprintf(lines[(*n)++], 160, vw_label("tip_msg_fmt", lang), ne[0] ? ne : "?", op->sock);
    }
    const char *when = op_lane ? (op->open ? "tip_sub_open_fmt" : "tip_sub_fmt") : (op->open ? "tip_post_open_fmt" : "tip_post_fmt");
    snprintf(lines[(*n)++], 160, vw_label(when, lang), t0, dur);
    const char *from = op->lane_from < r->nlanes ? vw_lane_title(&r->lanes[op->lane_from], lang) : "?";
    const char *to = op->lane_to < r->nlanes ? vw_lane_title(&r->lanes[op->lane_to], lang) : "?";
    snprintf(lines[(*n)++], 160, vw_label("tip_by_fmt", lang), from, to, op->ret_neg ? vw_label(" (failed)", lang) : "");
    if (op_lane && !op->open)
        snprintf(lines[(*n)++], 160, vw_label("tip_depth_fmt", lang), op->depth);
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
        tip_event(&app->s.runs[h->run], h, app->lang, lines, &n);
    else
        tip_op(&app->s.runs[h->run], h, app->lang, lines, &n);
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

static void centred_line(void *ud, const char *s, size_t n)
{
    vw_sc *c = ud;
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), s);
    vw_text(c->d, c->app->w / 2, c->app->L.plot.y + c->app->L.plot.h / 3 + c->lines++ * vw_text_h(c->d, VW_FONT_LARGE),
            VW_FONT_LARGE, VW_C_TEXT_DIM, VW_ALIGN_CENTER, buf);
}

void vw_sc_message(vw_sc *c)
{
    vw_app *app = c->app;
    if (app->message[0]) {
        const vw_rect *r = &app->L.message; /* room the layout kept */
        vw_fill(c->d, r->x, r->y, r->w, r->h, VW_C_ERROR_BG);
        vw_text_fit(c->d, 12, r->y + 5, c->f_body, VW_C_TEXT, app->message, r->w - 24);
    }
    if (app->s.nruns == 0) /* centred lines, wrapped to the window */
        vw_wrap(c->d, VW_FONT_LARGE, vw_label("no runs", app->lang), app->w - 40, centred_line, c);
}
