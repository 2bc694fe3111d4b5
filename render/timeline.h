/* timeline.h — the visible time range and the mapping between nanoseconds
 * and pixels, with zoom about a point and pan. Doubles keep the mapping
 * exact enough at 1 ns per pixel over hours of trace. */
#ifndef VW_TIMELINE_H
#define VW_TIMELINE_H

#include <stdint.h>

#define VW_MIN_SPAN_NS 200.0 /* zoomed in as far as a few single calls per screen */

typedef struct vw_view {
    double t0, t1;   /* visible range, ns since run start */
    int x0, w;       /* plot area: first pixel column and width */
    double limit;    /* longest run: the range can pan a little past it, no further */
} vw_view;

void   vw_view_init(vw_view *v, int x0, int w, uint64_t duration);
void   vw_view_fit(vw_view *v);                       /* show the whole trace */
double vw_view_px(const vw_view *v, double t);        /* ns -> x (may be off the plot) */
double vw_view_ns(const vw_view *v, double x);        /* x -> ns */
double vw_view_ns_per_px(const vw_view *v);
void   vw_view_zoom(vw_view *v, double factor, double anchor_x); /* factor > 1 zooms in */
void   vw_view_pan_px(vw_view *v, double dx);         /* drag right by dx pixels: earlier times */
void   vw_view_center(vw_view *v, double t);          /* keep the span, centre on t */
void   vw_view_set(vw_view *v, double t0, double t1); /* clamped */
int    vw_view_contains(const vw_view *v, double t);

/* A "nice" tick step (1, 2, 5 x 10^k ns) giving ticks at least min_px apart. */
double vw_tick_step(const vw_view *v, double min_px);
/* "1.5 ms", "250 µs", "12 ns": a duration in the largest unit that fits */
void   vw_fmt_ns(double ns, char *out, int n);

#endif
