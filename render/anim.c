#include "render/anim.h"

#include <stdio.h>

#include "render/timeline.h"
#include "render/ui_text.h"

void vw_anim_init(vw_anim *a, uint64_t duration)
{
    a->t = 0;
    a->speed = a->speed_auto = 1e6;
    a->playing = 0;
    a->end = (double)duration;
    a->pace_s = VW_PACE_DEFAULT_S;
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

void vw_anim_follow_span(vw_anim *a, double span)
{
    if (span <= 0)
        return;
    if (a->speed != a->speed_auto && a->speed > 0) /* set directly: keep it, as a pace */
        a->pace_s = clampd(span / a->speed, VW_PACE_MIN_S, VW_PACE_MAX_S);
    a->speed = a->speed_auto = clampd(span / a->pace_s, VW_SPEED_MIN, VW_SPEED_MAX);
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

/* the pace and the speed move together, so that a later change of the
 * visible span keeps the new pace */
static void scale_pace(vw_anim *a, double f)
{
    double speed = clampd(a->speed * f, VW_SPEED_MIN, VW_SPEED_MAX);
    double pace = clampd(a->pace_s * a->speed / speed, VW_PACE_MIN_S, VW_PACE_MAX_S);
    a->speed = a->speed_auto = a->speed * a->pace_s / pace;
    a->pace_s = pace;
}

void vw_anim_faster(vw_anim *a) { scale_pace(a, 2); }
void vw_anim_slower(vw_anim *a) { scale_pace(a, 0.5); }

void vw_anim_seek(vw_anim *a, double t) { a->t = t < 0 ? 0 : t > a->end ? a->end : t; }

void vw_anim_speed_label(const vw_anim *a, vw_lang lang, char *out, int n)
{
    char d[32];
    vw_fmt_ns(a->speed, d, sizeof d);
    snprintf(out, (size_t)n, vw_label("speed_fmt", lang), d);
}

void vw_anim_pace_label(const vw_anim *a, vw_lang lang, char *out, int n)
{
    char span[32], ms[32];
    vw_fmt_seconds(a->pace_s, lang, span, sizeof span);
    vw_fmt_seconds(a->speed > 0 ? 1e6 / a->speed : 0, lang, ms, sizeof ms);
    snprintf(out, (size_t)n, vw_label("pace_fmt", lang), span, ms);
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
