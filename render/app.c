#include "render/app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/scene.h"
#include "render/session_save.h"
#include "render/ui_text.h"

void vw_app_set_message(vw_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
}

void vw_app_init(vw_app *app, int w, int h)
{
    memset(app, 0, sizeof *app);
    app->w = w;
    app->h = h;
    app->follow = 1;
    app->press_strip = -1;
    vw_form_init(&app->form);
    snprintf(app->save_path, sizeof app->save_path, "sockscope-session.sstrace");
    vw_app_session_changed(app);
}

void vw_app_free(vw_app *app)
{
    vw_form_free(&app->form);
    vw_session_free(&app->s);
    vw_layout_free(&app->L);
    vw_cindex_free(&app->cx);
    free(app->mm);
    app->mm = NULL;
}

void vw_app_session_changed(vw_app *app)
{
    uint64_t dur = vw_session_duration(&app->s);
    double t = app->a.t, pace = app->a.pace_s;
    vw_anim_init(&app->a, dur);
    if (pace > 0)
        app->a.pace_s = pace;
    vw_anim_seek(&app->a, t);
    vw_view_init(&app->v, app->L.plot.x, app->L.plot.w > 0 ? app->L.plot.w : app->w, dur);
    /* open on the work, not on the servers idling until they are stopped
     * (F still shows the whole run) */
    uint64_t work = vw_session_work_end(&app->s);
    if (work > 0 && work < dur)
        vw_view_set(&app->v, 0, (double)work * 1.03);
    vw_anim_follow_span(&app->a, app->v.t1 - app->v.t0);
    app->hover.kind = app->sel.kind = VW_HIT_NONE;
    if (app->focus >= app->s.nruns)
        app->focus = 0;
    if (app->open > app->s.nruns)
        app->open = 0;
}

int vw_app_load(vw_app *app, const char *path)
{
    char err[512];
    app->s.warning[0] = 0;
    if (vw_session_load(&app->s, path, err, sizeof err) != 0) {
        vw_app_set_message(app, "%s", err);
        vw_app_session_changed(app);
        return -1;
    }
    if (app->s.warning[0])
        vw_app_set_message(app, vw_label("warning_fmt", app->lang), app->s.warning);
    vw_app_session_changed(app);
    return 0;
}

/* --- the view and the playhead ------------------------------------------------ */
/* Follow mode: the playhead stays on screen. A zoom or a seek that would
 * leave it outside moves the view the least that brings it back. */
static void keep_playhead(vw_app *app)
{
    if (!app->follow || vw_view_contains(&app->v, app->a.t))
        return;
    double span = app->v.t1 - app->v.t0, t = app->a.t;
    if (t < app->v.t0)
        vw_view_set(&app->v, t - span * 0.1, t + span * 0.9);
    else
        vw_view_set(&app->v, t - span * 0.9, t + span * 0.1);
}

/* zoom about x, or about the playhead when follow mode has it on screen */
static void zoom(vw_app *app, double factor, double x)
{
    vw_view_zoom(&app->v, factor, x);
    keep_playhead(app);
    vw_anim_follow_span(&app->a, app->v.t1 - app->v.t0);
}

static void zoom_key(vw_app *app, double factor)
{
    double mid = app->v.x0 + app->v.w / 2.0, ph = vw_view_px(&app->v, app->a.t);
    zoom(app, factor, app->follow && vw_view_contains(&app->v, app->a.t) ? ph : mid);
}

static void to_playhead(vw_app *app)
{
    app->follow = 1;
    vw_view_center(&app->v, app->a.t);
}

/* --- input -------------------------------------------------------------- */
static void step_event(vw_app *app, int dir)
{
    double t = vw_next_event(&app->s, app->a.t, dir);
    if (t < 0)
        return;
    app->a.playing = 0;
    vw_anim_seek(&app->a, t);
    if (!vw_view_contains(&app->v, t))
        vw_view_center(&app->v, t);
}

static void save_session(vw_app *app)
{
    char err[512];
    if (vw_session_save(&app->s, app->save_path, err, sizeof err) == 0)
        vw_app_set_message(app, vw_label("saved_fmt", app->lang), app->save_path, app->s.nruns);
    else
        vw_app_set_message(app, "%s", err);
}

static void open_panel(vw_app *app, int p)
{
    if (p < 0 || p >= app->s.nruns)
        return;
    app->open = p + 1;
    app->focus = p;
}

/* O: the overview on or off, whatever the fit decided */
static void toggle_overview(vw_app *app)
{
    int showing = app->overview_on || app->open;
    app->overview = showing ? VW_OV_OFF : VW_OV_ON;
    if (app->open)
        app->first_panel = app->open - 1;
    app->open = 0;
}

static void key_char(vw_app *app, int ch)
{
    switch (ch) {
    case 'l':
        app->lecture = !app->lecture;
        app->want_fullscreen = app->lecture;
        break;
    case 'k': app->lang = app->lang == VW_LANG_EN ? VW_LANG_KO : VW_LANG_EN; break;
    case 's': app->want_screenshot = 1; break;
    case 'r': app->form.open = !app->form.open; break;
    case 'f': vw_view_fit(&app->v); keep_playhead(app); break;
    case 'w': save_session(app); break;
    case 'q': app->quit = 1; break;
    case 'o': toggle_overview(app); break;
    case 'p': to_playhead(app); break;
    case 'c': vw_capstrip_next_page(&app->cap); break;
    case 'x':
        if (app->sel.kind) {
            vw_session_remove(&app->s, app->sel.run);
            app->open = 0; /* the panels after it moved up */
            vw_app_session_changed(app);
        }
        break;
    default: break;
    }
}

static void escape(vw_app *app)
{
    if (app->open) /* back to the overview it was opened from */
        app->open = 0;
    else if (app->lecture)
        app->lecture = app->want_fullscreen = 0;
    else if (app->form.open)
        app->form.open = 0;
    else
        app->quit = 1;
}

static void key(vw_app *app, const vw_input *in)
{
    switch (in->key) {
    case VW_KEY_SPACE:
        if (app->a.t >= app->a.end)
            vw_anim_seek(&app->a, 0);
        app->a.playing = !app->a.playing;
        break;
    case VW_KEY_RIGHT: step_event(app, +1); break;
    case VW_KEY_LEFT: step_event(app, -1); break;
    case VW_KEY_UP: vw_anim_faster(&app->a); break;
    case VW_KEY_DOWN: vw_anim_slower(&app->a); break;
    case VW_KEY_PLUS: zoom_key(app, 2); break;
    case VW_KEY_MINUS: zoom_key(app, 0.5); break;
    case VW_KEY_HOME: vw_anim_seek(&app->a, 0); vw_view_center(&app->v, 0); break;
    case VW_KEY_END: vw_anim_seek(&app->a, app->a.end); vw_view_center(&app->v, app->a.end); break;
    case VW_KEY_TAB:
        app->focus = app->s.nruns ? (app->focus + 1) % app->s.nruns : 0;
        if (app->open)
            app->open = app->focus + 1;
        else if (app->focus < app->L.first || app->focus >= app->L.first + app->L.shown)
            app->first_panel = app->focus; /* show the panel the caption explains */
        break;
    case VW_KEY_PAGEUP: app->first_panel = app->L.first - (app->L.shown > 1 ? app->L.shown - 1 : 1); break;
    case VW_KEY_PAGEDOWN: app->first_panel = app->L.first + (app->L.shown > 1 ? app->L.shown - 1 : 1); break;
    case VW_KEY_ESCAPE: escape(app); break;
    case VW_KEY_RETURN:
        if (app->form.open)
            vw_form_start(&app->form);
        else if (app->overview_on)
            open_panel(app, app->focus);
        break;
    case VW_KEY_CHAR: key_char(app, in->ch); break;
    default: break;
    }
}

static void minimap_seek(vw_app *app, int x)
{
    const vw_rect *r = &app->L.minimap;
    double t = (double)(x - r->x) / r->w * (double)vw_session_duration(&app->s);
    vw_anim_seek(&app->a, t);
    vw_view_center(&app->v, app->a.t);
    app->follow = 1;
}

static int click_zone(vw_app *app, int x, int y)
{
    for (int i = app->nzones - 1; i >= 0; i--) { /* drawn last, on top */
        const vw_zone *z = &app->zones[i];
        if (!vw_rect_has(&z->r, x, y))
            continue;
        switch (z->id) {
        case VW_Z_MODEL: app->form.on[z->arg] = !app->form.on[z->arg]; break;
        case VW_Z_FIELD_DOWN: vw_form_step(&app->form, (vw_field)z->arg, -1); break;
        case VW_Z_FIELD_UP: vw_form_step(&app->form, (vw_field)z->arg, +1); break;
        case VW_Z_RUN: vw_form_start(&app->form); break;
        case VW_Z_PRESET: vw_form_preset(&app->form, z->arg); break;
        case VW_Z_REMOVE:
            vw_session_remove(&app->s, z->arg);
            app->open = 0;
            vw_app_session_changed(app);
            break;
        case VW_Z_UP: vw_session_move(&app->s, z->arg, -1); app->sel.kind = app->hover.kind = VW_HIT_NONE; break;
        case VW_Z_DOWN: vw_session_move(&app->s, z->arg, +1); app->sel.kind = app->hover.kind = VW_HIT_NONE; break;
        case VW_Z_STRIP: open_panel(app, z->arg); break;
        case VW_Z_BACK: app->open = 0; break;
        case VW_Z_MORE: vw_capstrip_next_page(&app->cap); break;
        default: break;
        }
        return 1;
    }
    return 0;
}

static void mouse_down(vw_app *app, const vw_input *in)
{
    if (click_zone(app, in->x, in->y))
        return;
    if (vw_rect_has(&app->L.minimap, in->x, in->y)) {
        app->dragging = 2;
        minimap_seek(app, in->x);
        return;
    }
    if (vw_rect_has(&app->L.axis, in->x, in->y)) { /* click on the time axis moves the playhead */
        vw_anim_seek(&app->a, vw_view_ns(&app->v, in->x));
        return;
    }
    app->dragging = 1;
    app->drag_x = app->press_x = in->x;
    int p, b;
    app->press_strip = app->overview_on && vw_layout_find(&app->L, in->y, &p, &b) == 0 ? p : -1;
    vw_hit h = vw_hit_test(&app->s, &app->L, &app->v, in->x, in->y);
    app->sel = h;
    if (h.kind)
        app->focus = h.run;
}

static void mouse_move(vw_app *app, const vw_input *in)
{
    app->mx = in->x;
    app->my = in->y;
    if (app->dragging == 1 && in->x != app->drag_x) {
        vw_view_pan_px(&app->v, in->x - app->drag_x);
        app->drag_x = in->x;
        app->follow = 0; /* looking elsewhere on purpose; P comes back */
    } else if (app->dragging == 2) {
        minimap_seek(app, in->x);
    }
    app->hover = vw_hit_test(&app->s, &app->L, &app->v, in->x, in->y);
}

void vw_app_input(vw_app *app, const vw_input *in)
{
    switch (in->kind) {
    case VW_IN_KEY: key(app, in); break;
    case VW_IN_DOWN: mouse_down(app, in); break;
    case VW_IN_UP:
        if (app->dragging == 1 && app->press_strip >= 0 && abs(in->x - app->press_x) < 4)
            open_panel(app, app->press_strip);
        app->dragging = 0;
        app->press_strip = -1;
        break;
    case VW_IN_MOVE: mouse_move(app, in); break;
    case VW_IN_WHEEL:
        if (in->shift || in->x < app->v.x0) { /* over the lane labels: scroll panels */
            app->first_panel = app->L.first - in->wheel;
            break;
        }
        zoom(app, pow(1.25, in->wheel), in->x);
        break;
    case VW_IN_RESIZE: app->w = in->x; app->h = in->y; break;
    case VW_IN_QUIT: app->quit = 1; break;
    }
}

void vw_app_tick(vw_app *app, double dt)
{
    vw_anim_follow_span(&app->a, app->v.t1 - app->v.t0);
    int was = app->a.playing;
    vw_anim_tick(&app->a, dt);
    if (was && app->follow && !vw_view_contains(&app->v, app->a.t)) {
        /* page forward: the playhead re-enters at the left, zoom kept */
        double span = app->v.t1 - app->v.t0;
        vw_view_set(&app->v, app->a.t - span * 0.05, app->a.t + span * 0.95);
    }
    char path[256], st[640];
    int r = vw_form_poll(&app->form, app->lang, path, sizeof path, st, sizeof st);
    if (r != 0) {
        vw_app_load(app, path); /* the form removes its traces when it is freed */
        if (r < 0)
            vw_app_set_message(app, "%s", st);
    }
}

/* --- the frame ---------------------------------------------------------------- */
/* Lecture mode's caption strip: built for this frame. Its height grows to
 * what the captions have needed and its fonts step down when one did not
 * fit, and neither goes back while the window, the language, the focus and
 * the session stay: stepping from a short caption to a long one must not
 * make the panels above jump. ("Press play" is not a caption to size for.) */
static int caption_height(vw_app *app, vw_draw *d)
{
    if (!app->lecture || app->s.nruns == 0)
        return 0;
    uint32_t key = (uint32_t)app->w * 31u + (uint32_t)app->h * 17u + (uint32_t)app->lang * 7u +
                   (uint32_t)app->focus * 131u + (uint32_t)app->s.nruns * 1009u + (uint32_t)d->font_px[2];
    if (key != app->cap_key)
        app->cap_h = app->cap_set = 0;
    app->cap_key = key;
    vw_capstrip_build(&app->cap, app, d, app->w - 8 - 24, app->h / 3, app->cap_set);
    if (!app->cap.explains)
        return app->cap_h > app->cap.h ? app->cap_h : app->cap.h;
    if (app->cap.set > app->cap_set) /* smaller fonts from now on: the height they need */
        app->cap_h = 0;
    app->cap_set = app->cap.set;
    if (app->cap.h > app->cap_h)
        app->cap_h = app->cap.h;
    return app->cap_h;
}

void vw_app_frame(vw_app *app, vw_draw *d)
{
    vw_layout_opts o = {.w = app->w, .h = app->h, .lecture = app->lecture, .run_form = app->form.open || app->s.nruns == 0,
                        .first = app->first_panel, .message = app->message[0] != 0};
    for (int f = 0; f < 4; f++)
        o.line_h[f] = vw_text_h(d, (vw_font)f);
    o.d = d;
    o.lang = app->lang;
    o.caption_h = caption_height(app, d);
    o.form_h = o.run_form ? vw_scene_form_height(app, d, app->w - 8) : 0;
    if (app->open > app->s.nruns)
        app->open = 0;
    o.open = app->open;
    o.overview = !app->open && app->s.nruns > 1 && app->overview == VW_OV_ON;
    vw_layout_build(&app->L, &app->s, &o);
    if (!app->open && app->s.nruns > 1 && app->overview == VW_OV_AUTO && app->lecture && !app->L.fits) {
        o.overview = 1; /* eleven panels do not fit a projector: one strip each */
        vw_layout_build(&app->L, &app->s, &o);
    }
    app->overview_on = o.overview;
    app->first_panel = app->L.first; /* as far as the panels allow */
    /* the plot may have changed size: keep the time range, update pixels */
    app->v.x0 = app->L.plot.x;
    app->v.w = app->L.plot.w > 1 ? app->L.plot.w : 1;
    vw_anim_follow_span(&app->a, app->v.t1 - app->v.t0);
    vw_draw_reset(d);
    vw_scene_build(app, d);
}
