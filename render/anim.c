#include "render/anim.h"

#include <stdio.h>

#include "render/timeline.h"

void vw_anim_init(vw_anim *a, uint64_t duration)
{
    a->t = 0;
    a->speed = 1e6;
    a->playing = 0;
    a->end = (double)duration;
}

void vw_anim_tick(vw_anim *a, double dt)
{
    if (!a->playing || dt <= 0)
        return;
    a->t += dt * a->speed;
    if (a->t >= a->end) {
        a->t = a->end;
        a->playing = 0;
    }
}

void vw_anim_faster(vw_anim *a) { a->speed = a->speed * 2 > VW_SPEED_MAX ? VW_SPEED_MAX : a->speed * 2; }
void vw_anim_slower(vw_anim *a) { a->speed = a->speed / 2 < VW_SPEED_MIN ? VW_SPEED_MIN : a->speed / 2; }

void vw_anim_seek(vw_anim *a, double t) { a->t = t < 0 ? 0 : t > a->end ? a->end : t; }

void vw_anim_speed_label(const vw_anim *a, char *out, int n)
{
    char d[32];
    vw_fmt_ns(a->speed, d, sizeof d);
    snprintf(out, (size_t)n, "%s of trace = 1 s", d);
}

static void consider(double cand, double t, int dir, double *best)
{
    if (dir > 0 ? cand > t && (*best < 0 || cand < *best) : cand < t && (*best < 0 || cand > *best))
        *best = cand;
}

static void lane_next(const vw_lane *l, double t, int dir, double *best)
{
    if (!l->n)
        return;
    uint64_t key = t < 0 ? 0 : (uint64_t)t;
    size_t i = vw_lane_lower(l, dir > 0 ? key + 1 : key);
    if (dir > 0 && i < l->n)
        consider((double)l->ev[i].t0, t, dir, best);
    if (dir < 0 && i > 0)
        consider((double)l->ev[i - 1].t0, t, dir, best);
}

double vw_next_event(const vw_session *s, double t, int dir)
{
    double best = -1;
    for (int r = 0; r < s->nruns; r++)
        for (int i = 0; i < s->runs[r].nserver; i++)
            lane_next(&s->runs[r].lanes[i], t, dir, &best);
    return best;
}
