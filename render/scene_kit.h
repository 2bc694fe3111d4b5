/* scene_kit.h — what every file of the scene shares: the frame's drawing
 * state, and the few primitives each part draws with (scene_kit.c). The
 * parts themselves: scene_panel.h, scene_overview.h, scene_chrome.h;
 * scene.c puts a frame together from them. */
#ifndef VW_SCENE_KIT_H
#define VW_SCENE_KIT_H

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

/* a clickable area, recorded while drawing (not on a slide) */
void vw_sc_zone(vw_sc *c, int x, int y, int w, int h, int id, int arg);
/* a horizontal run [x0, x1) drawn solid up to the playhead, light after it */
void vw_sc_rect_split(vw_sc *c, int x0, int x1, int y, int h, vw_rgba col);
/* a histogram of n columns from x0, bars standing on `bottom`, equal
 * neighbours merged; split: lighter after the playhead */
void vw_sc_bars(vw_sc *c, int x0, const int *h, int n, int bottom, vw_rgba col, int split);

#endif
