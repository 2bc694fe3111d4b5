/* anim.h — the playhead: where it is, how fast it moves, and stepping to
 * the next or previous event of any panel.
 *
 * The pace is set in screen time per visible span: by default the span on
 * screen plays in 25 s, whatever the zoom, so a 690 ms run at fit zoom and
 * 20 µs of it zoomed in both take half a minute. `speed` (trace ns per
 * second of screen time) follows the span; a speed set directly (the
 * command line's --speed, an animation's length) is taken as the pace it
 * gives the span on screen. */
#ifndef VW_ANIM_H
#define VW_ANIM_H

#include <stdint.h>

#include "render/caption.h"
#include "render/session.h"

typedef struct vw_anim {
    double t;          /* playhead, ns since run start */
    double speed;      /* trace ns per wall-clock second */
    int playing;
    double end;        /* longest run */
    double pace_s;     /* seconds of screen time for the visible span */
    double speed_auto; /* the speed the pace last gave (another value was set directly) */
} vw_anim;

#define VW_SPEED_MIN 1e2
#define VW_SPEED_MAX 1e10
#define VW_PACE_DEFAULT_S 25.0
#define VW_PACE_MIN_S 0.5
#define VW_PACE_MAX_S 7200.0

void vw_anim_init(vw_anim *a, uint64_t duration);
void vw_anim_tick(vw_anim *a, double wall_seconds); /* stops at the end */
/* The speed for a visible span of span_ns at the current pace. */
void vw_anim_follow_span(vw_anim *a, double span_ns);
void vw_anim_faster(vw_anim *a);                    /* x2: the span plays in half the time */
void vw_anim_slower(vw_anim *a);                    /* /2 */
void vw_anim_seek(vw_anim *a, double t);            /* clamped to [0, end] */
/* "1 ms of trace = 1 s" */
void vw_anim_speed_label(const vw_anim *a, vw_lang lang, char *out, int n);
/* "pace: screen in 25 s · 1 ms = 36 s" */
void vw_anim_pace_label(const vw_anim *a, vw_lang lang, char *out, int n);

/* Start time of the nearest event strictly after (dir > 0) or before
 * (dir < 0) t, over every lane and operation of every run; -1 if none. */
double vw_next_event(const vw_session *s, double t, int dir);

#endif
