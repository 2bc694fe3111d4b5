#include "render/timeline.h"

#include <math.h>
#include <stdio.h>

void vw_view_init(vw_view *v, int x0, int w, uint64_t duration)
{
    v->x0 = x0;
    v->w = w > 1 ? w : 1;
    v->limit = duration > 0 ? (double)duration : 1e6;
    vw_view_fit(v);
}

void vw_view_fit(vw_view *v)
{
    v->t0 = 0;
    v->t1 = v->limit;
}

double vw_view_ns_per_px(const vw_view *v) { return (v->t1 - v->t0) / v->w; }
double vw_view_px(const vw_view *v, double t) { return v->x0 + (t - v->t0) / vw_view_ns_per_px(v); }
double vw_view_ns(const vw_view *v, double x) { return v->t0 + (x - v->x0) * vw_view_ns_per_px(v); }
int    vw_view_contains(const vw_view *v, double t) { return t >= v->t0 && t <= v->t1; }

void vw_view_set(vw_view *v, double t0, double t1)
{
    double span = t1 - t0, margin = v->limit * 0.05;
    if (span < VW_MIN_SPAN_NS)
        span = VW_MIN_SPAN_NS;
    if (span > v->limit + 2 * margin)
        span = v->limit + 2 * margin;
    if (t0 < -margin)
        t0 = -margin;
    if (t0 + span > v->limit + margin)
        t0 = v->limit + margin - span;
    v->t0 = t0;
    v->t1 = t0 + span;
}

void vw_view_zoom(vw_view *v, double factor, double anchor_x)
{
    if (factor <= 0)
        return;
    double at = vw_view_ns(v, anchor_x), frac = (anchor_x - v->x0) / v->w;
    double span = (v->t1 - v->t0) / factor;
    if (span < VW_MIN_SPAN_NS)
        span = VW_MIN_SPAN_NS;
    vw_view_set(v, at - frac * span, at - frac * span + span);
}

void vw_view_pan_px(vw_view *v, double dx)
{
    double d = dx * vw_view_ns_per_px(v);
    vw_view_set(v, v->t0 - d, v->t1 - d);
}

void vw_view_center(vw_view *v, double t)
{
    double half = (v->t1 - v->t0) / 2;
    vw_view_set(v, t - half, t + half);
}

double vw_tick_step(const vw_view *v, double min_px)
{
    double raw = vw_view_ns_per_px(v) * min_px;
    double p = pow(10, floor(log10(raw > 1 ? raw : 1)));
    for (;;) {
        if (p >= raw) return p;
        if (2 * p >= raw) return 2 * p;
        if (5 * p >= raw) return 5 * p;
        p *= 10;
    }
}

void vw_fmt_ns(double ns, char *out, int n)
{
    double a = fabs(ns);
    if (a >= 1e9) snprintf(out, (size_t)n, "%.4g s", ns / 1e9);
    else if (a >= 1e6) snprintf(out, (size_t)n, "%.4g ms", ns / 1e6);
    else if (a >= 1e3) snprintf(out, (size_t)n, "%.4g μs", ns / 1e3);
    else snprintf(out, (size_t)n, "%.0f ns", ns);
}
