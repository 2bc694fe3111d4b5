/* anim.h — the playhead: where it is, how fast it moves (nanoseconds of
 * trace per second on screen: 1e6 means 1 ms of trace takes 1 s), and
 * stepping to the next or previous event of any panel. */
#ifndef VW_ANIM_H
#define VW_ANIM_H

#include <stdint.h>

#include "render/model.h"

typedef struct vw_anim {
    double t;        /* playhead, ns since run start */
    double speed;    /* trace ns per wall-clock second */
    int playing;
    double end;      /* longest run */
} vw_anim;

#define VW_SPEED_MIN 1e2
#define VW_SPEED_MAX 1e10

void vw_anim_init(vw_anim *a, uint64_t duration);
void vw_anim_tick(vw_anim *a, double wall_seconds); /* stops at the end */
void vw_anim_faster(vw_anim *a);                    /* x2 */
void vw_anim_slower(vw_anim *a);                    /* /2 */
void vw_anim_seek(vw_anim *a, double t);            /* clamped to [0, end] */
/* "1 ms of trace = 1 s" */
void vw_anim_speed_label(const vw_anim *a, char *out, int n);

/* Start time of the nearest event strictly after (dir > 0) or before
 * (dir < 0) t, over every lane and operation of every run; -1 if none. */
double vw_next_event(const vw_session *s, double t, int dir);

#endif
