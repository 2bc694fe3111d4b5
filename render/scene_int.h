/* scene_int.h — shared by the scene's files (panels, chrome). */
#ifndef VW_SCENE_INT_H
#define VW_SCENE_INT_H

#include "render/fold.h"
#include "render/palette.h"
#include "render/scene.h"

#define VW_ARROW_BUDGET 600 /* arrows per frame: more would be a smear, not arrows */
#define VW_TRAVEL_DOTS 24   /* packets travelling at once, per frame */

typedef struct vw_sc {
    vw_app *app;
    vw_draw *d;
    const vw_view *v;
    double ph_x;          /* playhead column */
    vw_font f_label, f_body;
    vw_font f_counters;   /* every panel's counters: one size */
    vw_font f_strip;      /* every overview strip's title: one size */
    vw_seg *seg;
    int segcap;
    int arrows_left;      /* arrow budget: dense views skip arrows */
    int dots_left;        /* travelling packets still allowed this frame */
    int lines;            /* lines written by a wrapping callback */
    int show_playhead;    /* the playhead and the calls it crosses are marked */
    int grey;             /* drawing a stand-in's emulation lane: every colour as its grey */
} vw_sc;

/* panels (scene_panel.c) */
void vw_sc_panel(vw_sc *c, int p);
/* a horizontal run [x0, x1) drawn solid up to the playhead, light after it */
void vw_sc_rect_split(vw_sc *c, int x0, int x1, int y, int h, vw_rgba col);
/* a run's counters in box, those its preset's caption asks about first (and
 * marked), with fonts from big down to small */
void vw_sc_counters(vw_sc *c, int p, const vw_rect *box, vw_font big, vw_font small);
vw_font vw_sc_counters_font(vw_sc *c, vw_font big, vw_font small);
/* overview strips (scene_overview.c) */
void vw_sc_strip(vw_sc *c, int p);
vw_font vw_sc_strip_font(vw_sc *c);
/* a histogram of n columns from x0, bars standing on `bottom`, equal
 * neighbours merged; split: lighter after the playhead */
void vw_sc_bars(vw_sc *c, int x0, const int *h, int n, int bottom, vw_rgba col, int split);
/* chrome (scene_chrome.c) */
void vw_sc_header(vw_sc *c);
void vw_sc_axis(vw_sc *c);
void vw_sc_legend(vw_sc *c);
void vw_sc_caption(vw_sc *c);
void vw_sc_form(vw_sc *c);
void vw_sc_minimap(vw_sc *c);
void vw_sc_tooltip(vw_sc *c);
void vw_sc_message(vw_sc *c);
void vw_sc_zone(vw_sc *c, int x, int y, int w, int h, int id, int arg);

#endif
