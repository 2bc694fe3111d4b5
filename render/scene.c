/* scene.c — one frame: the axis, every run's panel (or its overview
 * strip), the playhead, then the chrome around them (scene_chrome.c). */
#include "render/scene.h"

#include <stdlib.h>

#include "render/scene_chrome.h"
#include "render/scene_kit.h"
#include "render/scene_overview.h"
#include "render/scene_panel.h"

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
    c.f_counters = vw_sc_counters_font(&c, c.f_label, VW_FONT_SMALL);
    c.f_strip = vw_sc_strip_font(&c);
    vw_fill(d, 0, 0, app->w, app->h, VW_C_BG);
    vw_sc_axis(&c);
    for (int p = 0; c.seg && p < app->s.nruns && p < app->L.npanels; p++) {
        if (app->overview_on)
            vw_sc_strip(&c, p);
        else
            vw_sc_panel(&c, p);
    }
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
