/* layout.h — where everything goes for a window size: header, time axis,
 * one panel per run (a title row, a lane per server thread, the kernel
 * lane, the message-queue lane, the clients band, a counters box), the
 * legend, the caption strip of lecture mode, the run form and the
 * mini-map. Pure arithmetic on rectangles. Lanes shrink to fit every
 * panel down to a readable height; below that, panels page (first, shown). */
#ifndef VW_LAYOUT_H
#define VW_LAYOUT_H

#include "render/model.h"

typedef struct vw_rect {
    int x, y, w, h;
} vw_rect;

typedef enum vw_box_kind { VW_BOX_THREAD, VW_BOX_KERNEL, VW_BOX_MSGS, VW_BOX_CLIENTS } vw_box_kind;

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
} vw_layout_opts;

typedef struct vw_layout {
    vw_layout_opts o;
    vw_rect header, axis, plot, legend, caption, form, minimap, message;
    int label_w;
    vw_panel_box *panels;  /* one per run; a panel not shown has all.h 0 */
    int npanels, cap;
    int first, shown;      /* panels first .. first+shown-1 are on screen */
    vw_box *boxes;   /* storage for all panels' boxes */
    int nboxes, capboxes;
} vw_layout;

void vw_layout_build(vw_layout *L, const vw_session *s, const vw_layout_opts *o);
void vw_layout_free(vw_layout *L);
int  vw_rect_has(const vw_rect *r, int x, int y);
/* the panel and box at height y: returns 0 and sets panel and box (-1 when
 * between lanes), or -1 outside every panel */
int  vw_layout_find(const vw_layout *L, int y, int *panel, int *box);

#endif
