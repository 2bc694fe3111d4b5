/* hit.h — what is under the mouse: an event of a thread lane, a request of
 * the clients band, or an operation/message span. Pure maths over the
 * layout, the view and the sorted arrays; bounded work per query. */
#ifndef VW_HIT_H
#define VW_HIT_H

#include <stddef.h>

#include "render/layout.h"
#include "render/timeline.h"

typedef enum vw_hit_kind { VW_HIT_NONE = 0, VW_HIT_EVENT, VW_HIT_OP, VW_HIT_MSG } vw_hit_kind;

typedef struct vw_hit {
    vw_hit_kind kind;
    int run;      /* panel */
    int lane;     /* VW_HIT_EVENT: lane index in the run */
    size_t idx;   /* event or op index */
} vw_hit;

#define VW_HIT_TOL_PX 3

vw_hit vw_hit_test(const vw_session *s, const vw_layout *L, const vw_view *v, int x, int y);
/* The event nearest to t in lane l within tol ns (-1 if none). */
long   vw_hit_lane(const vw_lane *l, double t, double tol);
/* The client lane of a row of the clients band. */
int    vw_client_lane(const vw_run *r, const vw_box *b, int y);

#endif
