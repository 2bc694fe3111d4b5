/* Slide frames (vw_app.slide): the draw list holds the timelines, counters,
 * legend and axis but none of the interactive chrome, and a slide at the
 * end of the run is all in full colour. Plain C, no window. */
#include <stdlib.h>
#include <string.h>

#include "render/app.h"
#include "render/palette.h"
#include "testutil.h"
#include "vw_fixture.h"

typedef struct frame {
    vw_app app;
    vw_draw d;
} frame;

/* fx_simple plus four more runs, so that panels page at 1000x420 */
static void build(frame *f, int slide, double t, int h)
{
    vw_app_init(&f->app, 1000, h);
    for (int i = 0; i < 5; i++)
        fx_simple(&f->app.s);
    f->app.slide = slide;
    vw_draw_init(&f->d, NULL, NULL, NULL);
    vw_app_frame(&f->app, &f->d);
    vw_app_session_changed(&f->app);
    vw_anim_seek(&f->app.a, t);
    vw_app_frame(&f->app, &f->d);
}

static void done(frame *f)
{
    vw_draw_free(&f->d);
    vw_app_free(&f->app);
}

static int has_text(const frame *f, const char *part)
{
    for (size_t i = 0; i < f->d.n; i++)
        if (f->d.cmd[i].kind == VW_CMD_TEXT && strstr(vw_cmd_text(&f->d, &f->d.cmd[i]), part))
            return 1;
    return 0;
}

static int has_text_exactly(const frame *f, const char *s)
{
    for (size_t i = 0; i < f->d.n; i++)
        if (f->d.cmd[i].kind == VW_CMD_TEXT && strcmp(vw_cmd_text(&f->d, &f->d.cmd[i]), s) == 0)
            return 1;
    return 0;
}

/* fills drawn as "not reached yet" (vw_future) */
static int pale(const frame *f)
{
    int n = 0;
    for (size_t i = 0; i < f->d.n; i++)
        n += f->d.cmd[i].kind == VW_CMD_RECT && (f->d.cmd[i].color & 0xff) == (vw_future(VW_C_USER) & 0xff);
    return n;
}

/* anything drawn in the header's rows */
static int in_header(const frame *f)
{
    int n = 0;
    for (size_t i = 0; i < f->d.n; i++) {
        const vw_cmd *c = &f->d.cmd[i];
        n += c->y < f->app.L.header.h && c->y + (c->kind == VW_CMD_LINE ? 1 : c->h) > 0 &&
             !(c->kind == VW_CMD_RECT && c->color == VW_C_BG); /* the background itself */
    }
    return n;
}

static void slide_has_no_chrome(void **state)
{
    (void)state;
    frame win, sl;
    build(&win, 0, 5000, 420);
    build(&sl, 1, 10000, 420);
    /* the window: header (its pace; key hints when they fit), buttons, mini-map, paging keys */
    assert_true(has_text(&win, "PAUSED") && has_text(&win, "pace:") && has_text(&win, "whole run"));
    assert_true(has_text_exactly(&win, "×") && has_text_exactly(&win, "▲") && has_text(&win, "PgUp"));
    assert_true(win.app.nzones > 0 && in_header(&win) > 0);
    /* the slide: none of it, and nothing clickable */
    assert_false(has_text(&sl, "PAUSED") || has_text(&sl, "pace:") || has_text(&sl, "space play") ||
                 has_text(&sl, "whole run"));
    assert_false(has_text_exactly(&sl, "×") || has_text_exactly(&sl, "▲") || has_text(&sl, "PgUp"));
    assert_int_equal(sl.app.nzones, 0);
    assert_int_equal(in_header(&sl), 0);
    /* but the timelines' words: titles, counters, legend, axis, which panels */
    assert_true(has_text(&sl, "1. select") && has_text_exactly(&sl, "socket calls"));
    assert_true(has_text_exactly(&sl, "user code") && has_text_exactly(&sl, "0 ns"));
    assert_true(sl.app.L.shown < 5 && has_text(&sl, "panels 1–"));
    done(&win);
    done(&sl);
}

static void slide_at_the_end_is_in_full_colour(void **state)
{
    (void)state;
    frame half, end;
    build(&half, 1, 5000, 900);
    build(&end, 1, 10000, 900);
    assert_true(pale(&half) > 0); /* --at 0.5: the rest of the run is pale */
    assert_int_equal(pale(&end), 0);
    /* and no playhead: a finished run, not a moment */
    int playhead = 0;
    for (size_t i = 0; i < end.d.n; i++)
        playhead += end.d.cmd[i].kind == VW_CMD_RECT && end.d.cmd[i].color == VW_C_PLAYHEAD &&
                    end.d.cmd[i].h > end.app.L.plot.h / 2;
    assert_int_equal(playhead, 0);
    done(&half);
    done(&end);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slide_has_no_chrome),
        cmocka_unit_test(slide_at_the_end_is_in_full_colour),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
