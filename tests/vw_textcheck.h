/* vw_textcheck.h — what the viewer's tests ask of a frame's text: no two
 * texts overlap, every text is inside the window, and the frames of the
 * lecture presets (the shipped traces) at projector sizes. Shared by the
 * plain-C tests (estimated font metrics) and the SDL ones (the real font). */
#ifndef VW_TEXTCHECK_H
#define VW_TEXTCHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/app.h"
#include "render/draw.h"

/* the shipped lecture traces, one per preset */
static const char *const TC_PRESETS[] = {"closing-comparison", "nonblocking-cpu-cost", "select-64-limit",
                                         "c10k-idle-connections", "async-select-busy-ui",
                                         "iterative-vs-threads-slow-client", "stubborn-clients",
                                         "threads-vs-iocp-cpu-work", "wan-link"};
#define TC_NPRESETS (sizeof TC_PRESETS / sizeof TC_PRESETS[0])

static inline const char *tc_trace(const char *preset, char *buf, size_t n)
{
    const char *src = getenv("SS_SRC");
    snprintf(buf, n, "%s/assets/traces/%s.sstrace", src ? src : "..", preset);
    return buf;
}

static inline vw_rect tc_box(const vw_cmd *c) { return (vw_rect){c->x, c->y, c->w, c->h}; }

/* The first pair of texts that overlap, or -1; a and b get their indexes. */
static inline int tc_overlap(const vw_draw *d, size_t *a, size_t *b)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->cmd[i].kind != VW_CMD_TEXT)
            continue;
        vw_rect ri = tc_box(&d->cmd[i]);
        for (size_t j = i + 1; j < d->n; j++) {
            if (d->cmd[j].kind != VW_CMD_TEXT)
                continue;
            vw_rect rj = tc_box(&d->cmd[j]);
            if (vw_rect_overlap(&ri, &rj)) {
                *a = i, *b = j;
                return 0;
            }
        }
    }
    return -1;
}

/* A text outside w x h, or -1. */
static inline long tc_outside(const vw_draw *d, int w, int h)
{
    for (size_t i = 0; i < d->n; i++) {
        const vw_cmd *c = &d->cmd[i];
        if (c->kind == VW_CMD_TEXT && (c->x < 0 || c->y < 0 || c->x + c->w > w || c->y + c->h > h))
            return (long)i;
    }
    return -1;
}

static inline int tc_drew(const vw_draw *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->cmd[i].kind == VW_CMD_TEXT && strstr(vw_cmd_text(d, &d->cmd[i]), needle))
            return 1;
    return 0;
}

/* Asserts (cmocka) that the frame's texts neither overlap nor leave the window. */
static inline void tc_assert_clean(const vw_draw *d, int w, int h, const char *what)
{
    size_t a, b;
    if (tc_overlap(d, &a, &b) == 0) {
        const vw_cmd *x = &d->cmd[a], *y = &d->cmd[b];
        print_error("%s: \"%s\" (%d,%d %dx%d) overlaps \"%s\" (%d,%d %dx%d)\n", what, vw_cmd_text(d, x), x->x, x->y,
                    x->w, x->h, vw_cmd_text(d, y), y->x, y->y, y->w, y->h);
        fail();
    }
    long o = tc_outside(d, w, h);
    if (o >= 0) {
        const vw_cmd *x = &d->cmd[o];
        print_error("%s: \"%s\" (%d,%d %dx%d) is outside %dx%d\n", what, vw_cmd_text(d, x), x->x, x->y, x->w, x->h, w, h);
        fail();
    }
}

#endif
