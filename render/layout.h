/* layout.h — where everything goes for a window size: header, time axis,
 * one panel per run (a title row, a lane per server thread, the kernel
 * lane, the message-queue lane, the clients band, a counters box), the
 * legend, the caption strip of lecture mode, the run form and the
 * mini-map. Pure arithmetic on rectangles, with text measured through the
 * draw list's measure function so that what is written fits where it goes.
 * Lanes shrink to fit every panel down to a readable height; below that,
 * panels page (first, shown), or the overview shows one summary strip per
 * run (server state, queue depth, counters), any of which opens alone. */
#ifndef VW_LAYOUT_H
#define VW_LAYOUT_H

#include "render/caption.h"
#include "render/draw.h"
#include "render/session.h"

typedef struct vw_rect {
    int x, y, w, h;
} vw_rect;

typedef enum vw_box_kind {
    VW_BOX_THREAD, VW_BOX_KERNEL, VW_BOX_MSGS, VW_BOX_CLIENTS,
    VW_BOX_STATE, VW_BOX_QUEUE /* overview strips: all server threads; the run's queue */
} vw_box_kind;

typedef struct vw_box {
    vw_box_kind kind;
    int lane;        /* VW_BOX_THREAD: lane index in the run */
    int y, h;
} vw_box;

typedef struct vw_panel_box {
    vw_rect all, title, counters;
    vw_box *box;
    int nbox;
} vw_panel_box;

typedef struct vw_layout_opts {
    int w, h;
    int lecture;      /* large type, caption strip */
    int run_form;     /* the interactive run form is open */
    int line_h[4];    /* text heights of the four fonts (vw_draw) */
    int first;        /* the first panel to show when they do not all fit */
    int message;      /* a message bar shows under the axis */
    vw_draw *d;       /* measures text; NULL: estimated from line_h */
    vw_lang lang;
    int caption_h;    /* lecture: the caption strip's height (0: a default) */
    int form_h;       /* the run form's height (0: a default) */
    int overview;     /* a summary strip per run instead of panels */
    int open;         /* 1 + the panel opened alone from the overview (0: none) */
} vw_layout_opts;

#define VW_LEGEND_N 9 /* the last, the stand-ins' grey, only when a run has it */

typedef struct vw_layout {
    vw_layout_opts o;
    vw_rect header, axis, plot, legend, caption, form, minimap, message;
    int label_w;
    vw_font f_label;       /* lane labels, legend, counters: larger in lecture mode */
    vw_font f_legend;      /* the legend's: smaller when that keeps it on one row */
    const char *legend_key[VW_LEGEND_N];
    vw_rect legend_item[VW_LEGEND_N]; /* each item: swatch, then its text */
    vw_panel_box *panels;  /* one per run; a panel not shown has all.h 0 */
    int npanels, cap;
    int first, shown;      /* panels first .. first+shown-1 are on screen */
    int fits;              /* every panel is on screen */
    vw_box *boxes;   /* storage for all panels' boxes */
    int nboxes, capboxes;
} vw_layout;

void vw_layout_build(vw_layout *L, const vw_session *s, const vw_layout_opts *o);
void vw_layout_free(vw_layout *L);
int  vw_rect_has(const vw_rect *r, int x, int y);
int  vw_rect_overlap(const vw_rect *a, const vw_rect *b);
/* the panel and box at height y: returns 0 and sets panel and box (-1 when
 * between lanes), or -1 outside every panel */
int  vw_layout_find(const vw_layout *L, int y, int *panel, int *box);

/* Lane labels of a panel. A lane as tall as the text gets its own label;
 * thinner lanes are labelled as a group: consecutive threads named alike
 * ("conn 0".."conn 19") as "conn 0–19"; a group still too thin joins a
 * neighbour ("main, clients 0–5"). Each label's span (y, h) is at least th - 2 tall and spans do
 * not overlap, so labels centred in them never collide. */
typedef struct vw_lane_label {
    int b0, b1;      /* boxes b0..b1 of the panel */
    int y, h;        /* the span to centre the label in */
    char text[96];
} vw_lane_label;

int vw_lane_labels(const vw_run *r, const vw_panel_box *pb, int th, vw_lang lang, vw_lane_label *out, int max);

#endif
