#include "render/app.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/scene.h"
#include "render/session_save.h"

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
    vw_form_init(&app->form);
    snprintf(app->save_path, sizeof app->save_path, "sockscope-session.sstrace");
    vw_app_session_changed(app);
}

void vw_app_free(vw_app *app)
{
    vw_form_free(&app->form);
    for (int i = 0; i < app->ntmp; i++)
        remove(app->tmpfiles[i]);
    vw_session_free(&app->s);
    vw_layout_free(&app->L);
    free(app->mm);
    app->mm = NULL;
}

void vw_app_session_changed(vw_app *app)
{
    uint64_t dur = vw_session_duration(&app->s);
    double t = app->a.t, speed = app->a.speed;
    vw_anim_init(&app->a, dur);
    if (speed > 0)
        app->a.speed = speed;
    vw_anim_seek(&app->a, t);
    vw_view_init(&app->v, app->L.plot.x, app->L.plot.w > 0 ? app->L.plot.w : app->w, dur);
    /* open on the work, not on the servers idling until they are stopped
     * (F still shows the whole run) */
    uint64_t work = vw_session_work_end(&app->s);
    if (work > 0 && work < dur)
        vw_view_set(&app->v, 0, (double)work * 1.03);
    app->hover.kind = app->sel.kind = VW_HIT_NONE;
    if (app->focus >= app->s.nruns)
        app->focus = 0;
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
        vw_app_set_message(app, "warning: %s", app->s.warning);
    vw_app_session_changed(app);
    return 0;
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
        vw_app_set_message(app, "session saved to %s (%d runs)", app->save_path, app->s.nruns);
    else
        vw_app_set_message(app, "%s", err);
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
    case 'f': vw_view_fit(&app->v); break;
    case 'w': save_session(app); break;
    case 'q': app->quit = 1; break;
    case 'x': if (app->sel.kind) { vw_session_remove(&app->s, app->sel.run); vw_app_session_changed(app); } break;
    default: break;
    }
}

static void key(vw_app *app, const vw_input *in)
{
    double mid = app->v.x0 + app->v.w / 2.0;
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
    case VW_KEY_PLUS: vw_view_zoom(&app->v, 2, mid); break;
    case VW_KEY_MINUS: vw_view_zoom(&app->v, 0.5, mid); break;
    case VW_KEY_HOME: vw_anim_seek(&app->a, 0); vw_view_center(&app->v, 0); break;
    case VW_KEY_END: vw_anim_seek(&app->a, app->a.end); vw_view_center(&app->v, app->a.end); break;
    case VW_KEY_TAB:
        app->focus = app->s.nruns ? (app->focus + 1) % app->s.nruns : 0;
        if (app->focus < app->L.first || app->focus >= app->L.first + app->L.shown)
            app->first_panel = app->focus; /* show the panel the caption explains */
        break;
    case VW_KEY_PAGEUP: app->first_panel = app->L.first - (app->L.shown > 1 ? app->L.shown - 1 : 1); break;
    case VW_KEY_PAGEDOWN: app->first_panel = app->L.first + (app->L.shown > 1 ? app->L.shown - 1 : 1); break;
    case VW_KEY_ESCAPE:
        if (app->lecture) app->lecture = app->want_fullscreen = 0;
        else if (app->form.open) app->form.open = 0;
        else app->quit = 1;
        break;
    case VW_KEY_RETURN: if (app->form.open) vw_form_start(&app->form); break;
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
}

static int click_zone(vw_app *app, int x, int y)
{
    for (int i = 0; i < app->nzones; i++) {
        const vw_zone *z = &app->zones[i];
        if (!vw_rect_has(&z->r, x, y))
            continue;
        switch (z->id) {
        case VW_Z_MODEL: app->form.on[z->arg] = !app->form.on[z->arg]; break;
        case VW_Z_FIELD_DOWN: vw_form_step(&app->form, (vw_field)z->arg, -1); break;
        case VW_Z_FIELD_UP: vw_form_step(&app->form, (vw_field)z->arg, +1); break;
        case VW_Z_RUN: vw_form_start(&app->form); break;
        case VW_Z_PRESET: vw_form_preset(&app->form, z->arg); break;
        case VW_Z_REMOVE: vw_session_remove(&app->s, z->arg); vw_app_session_changed(app); break;
        case VW_Z_UP: vw_session_move(&app->s, z->arg, -1); app->sel.kind = app->hover.kind = VW_HIT_NONE; break;
        case VW_Z_DOWN: vw_session_move(&app->s, z->arg, +1); app->sel.kind = app->hover.kind = VW_HIT_NONE; break;
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
    app->drag_x = in->x;
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
        app->follow = 0;
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
    case VW_IN_UP: app->dragging = 0; break;
    case VW_IN_MOVE: mouse_move(app, in); break;
    case VW_IN_WHEEL:
        if (in->shift || in->x < app->v.x0) { /* over the lane labels: scroll panels */
            app->first_panel = app->L.first - in->wheel;
            break;
        }
        vw_view_zoom(&app->v, pow(1.25, in->wheel), in->x);
        app->follow = 0;
        break;
    case VW_IN_RESIZE: app->w = in->x; app->h = in->y; break;
    case VW_IN_QUIT: app->quit = 1; break;
    }
}

void vw_app_tick(vw_app *app, double dt)
{
    int was = app->a.playing;
    vw_anim_tick(&app->a, dt);
    if (was && !vw_view_contains(&app->v, app->a.t)) {
        /* page forward: the playhead re-enters at the left, zoom kept */
        double span = app->v.t1 - app->v.t0;
        vw_view_set(&app->v, app->a.t - span * 0.05, app->a.t + span * 0.95);
    }
    char path[256], st[640];
    int r = vw_form_poll(&app->form, path, sizeof path, st, sizeof st);
    if (r != 0) {
        vw_app_load(app, path);
        if (app->ntmp < 16)
            snprintf(app->tmpfiles[app->ntmp++], sizeof app->tmpfiles[0], "%s", path);
        if (r < 0)
            vw_app_set_message(app, "%s", st);
    }
}

void vw_app_frame(vw_app *app, vw_draw *d)
{
    vw_layout_opts o = {app->w, app->h, app->lecture, app->form.open || app->s.nruns == 0, {0}, app->first_panel,
                        app->message[0] != 0};
    for (int f = 0; f < 4; f++)
        o.line_h[f] = vw_text_h(d, (vw_font)f);
    vw_layout_build(&app->L, &app->s, &o);
    app->first_panel = app->L.first; /* as far as the panels allow */
    /* the plot may have changed size: keep the time range, update pixels */
    app->v.x0 = app->L.plot.x;
    app->v.w = app->L.plot.w > 1 ? app->L.plot.w : 1;
    vw_draw_reset(d);
    vw_scene_build(app, d);
}
