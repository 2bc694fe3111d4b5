/* Loading real trace files (written by the recorder), damaged files, the
 * session save, and a frame built end to end without a window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "render/app.h"
#include "render/session_save.h"
#include "sim/load/synth.h"
#include "testutil.h"

static const char *make_trace(void)
{
    static char path[256];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", tu_tmpfile(".sstrace"));
        vw_synth runs[2] = {{20000, 2, 3, 0, 0, "synthetic-epoll"}, {20000, 2, 3, 1, 0, "synthetic-iocp"}};
        char err[256];
        assert_int_equal(vw_synth_file(path, runs, 2, err, sizeof err), 0);
    }
    return path;
}

static void loads_runs_lanes_and_operations(void **state)
{
    (void)state;
    vw_session s = {0};
    char err[256];
    assert_int_equal(vw_session_load(&s, make_trace(), err, sizeof err), 0);
    assert_int_equal(s.nruns, 2);
    assert_string_equal(s.runs[0].model, "synthetic-epoll");
    assert_int_equal(s.runs[0].nserver, 2);
    assert_int_equal(s.runs[0].nlanes, 5);
    assert_int_equal(s.runs[0].kernel.n, 0);
    const vw_run *a = &s.runs[1];
    assert_true(a->kernel.n > 1000);
    size_t open = 0;
    for (size_t i = 0; i < a->kernel.n; i++) {
        open += a->kernel.op[i].open;
        if (i)
            assert_true(a->kernel.op[i].t0 >= a->kernel.op[i - 1].t0);
    }
    assert_true(open <= 2);
    assert_true(a->nreq > 100 && a->nlat > 0);
    assert_true(a->lat[a->nlat - 1].p99 >= a->lat[a->nlat - 1].p50);
    for (int l = 0; l < a->nlanes; l++)
        for (size_t i = 1; i < a->lanes[l].n; i++)
            assert_true(a->lanes[l].ev[i].t0 >= a->lanes[l].ev[i - 1].t0);
    print_message("memory: %.1f bytes per event\n", (double)vw_session_bytes(&s) / (double)s.nevents);
    vw_session_free(&s);
}

static void window_messages_are_matched(void **state)
{
    (void)state;
    const char *path = tu_tmpfile(".sstrace");
    vw_synth run = {6000, 1, 2, 0, 1, "synthetic-async-select"};
    char err[256];
    assert_int_equal(vw_synth_file(path, &run, 1, err, sizeof err), 0);
    vw_session s = {0};
    assert_int_equal(vw_session_load(&s, path, err, sizeof err), 0);
    const vw_run *r = &s.runs[0];
    size_t posts = 0, dispatches = 0;
    const vw_lane *l = &r->lanes[0];
    for (size_t i = 0; i < l->n; i++) {
        posts += l->ev[i].api == SS_API_MSG_POST;
        if (l->ev[i].api == SS_API_MSG_DISPATCH) {
            dispatches++;
            /* the dispatch sorts before the recv it encloses */
            assert_int_equal(l->ev[i + 1].api, SS_API_RECV);
            assert_true(vw_ev_end(&l->ev[i]) >= vw_ev_end(&l->ev[i + 2]));
        }
    }
    assert_true(posts > 100);
    assert_int_equal(dispatches, posts);
    assert_int_equal(r->msgs.n, posts);
    for (size_t i = 0; i < r->msgs.n; i++)
        assert_false(r->msgs.op[i].open);
    vw_session_free(&s);
}

static void copy_prefix(const char *from, const char *to, long keep, long flip)
{
    FILE *f = fopen(from, "rb"), *g = fopen(to, "wb");
    assert_non_null(f);
    assert_non_null(g);
    int c;
    for (long i = 0; (c = fgetc(f)) != EOF && (keep < 0 || i < keep); i++)
        fputc(i == flip ? c ^ 0x5a : c, g);
    fclose(f);
    fclose(g);
}

static void damaged_files_say_why(void **state)
{
    (void)state;
    vw_session s = {0};
    char err[256];
    assert_int_equal(vw_session_load(&s, "/nonexistent/x.sstrace", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    const char *junk = tu_tmpfile(".sstrace");
    FILE *f = fopen(junk, "w");
    fputs("this is not a trace at all\n", f);
    fclose(f);
    assert_int_equal(vw_session_load(&s, junk, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a sockscope trace"));

    FILE *t = fopen(make_trace(), "rb");
    fseek(t, 0, SEEK_END);
    long size = ftell(t);
    fclose(t);
    const char *cut = tu_tmpfile(".sstrace");
    copy_prefix(make_trace(), cut, size / 2, -1);
    assert_int_equal(vw_session_load(&s, cut, err, sizeof err), 0);
    assert_non_null(strstr(s.warning, "cut off"));
    assert_true(s.nruns >= 1);
    vw_session_free(&s);

    const char *bad = tu_tmpfile(".sstrace");
    copy_prefix(make_trace(), bad, -1, tu_events_payload_byte(make_trace(), size / 3));
    assert_int_equal(vw_session_load(&s, bad, err, sizeof err), 0);
    assert_non_null(strstr(s.warning, "damaged"));
    vw_session_free(&s);

    const char *empty = tu_tmpfile(".sstrace");
    copy_prefix(make_trace(), empty, 16, -1); /* the file header alone */
    assert_int_equal(vw_session_load(&s, empty, err, sizeof err), 0);
    assert_int_equal(s.nruns, 0);
    assert_non_null(strstr(s.warning, "no runs"));
    vw_session_free(&s);
}

static void session_save_keeps_kept_runs(void **state)
{
    (void)state;
    vw_session s = {0}, back = {0};
    char err[256];
    assert_int_equal(vw_session_load(&s, make_trace(), err, sizeof err), 0);
    assert_int_equal(vw_session_load(&s, make_trace(), err, sizeof err), 0); /* the same file twice */
    vw_session_remove(&s, 0);
    vw_session_move(&s, 2, -1);
    const char *out = tu_tmpfile(".sstrace");
    assert_int_equal(vw_session_save(&s, out, err, sizeof err), 0);
    assert_int_equal(vw_session_load(&back, out, err, sizeof err), 0);
    assert_int_equal(back.nruns, 3);
    assert_string_equal(back.warning, "");
    for (int i = 0; i < 3; i++) {
        assert_string_equal(back.runs[i].model, s.runs[i].model);
        assert_int_equal(back.runs[i].nevents, s.runs[i].nevents);
        assert_int_equal(back.runs[i].id, (uint32_t)i + 1);
    }
    vw_session_free(&s);
    vw_session_free(&back);
}

/* (its SVG: test_vw_svg, which needs the fonts' outlines) */
static void frame_without_a_window(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1200, 700);
    assert_int_equal(vw_app_load(&app, make_trace()), 0);
    app.lecture = 1;
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_app_frame(&app, &d);
    vw_app_session_changed(&app);
    vw_anim_seek(&app.a, app.a.end / 2);
    vw_app_frame(&app, &d);
    int caption = 0, counters = 0;
    for (size_t i = 0; i < d.n; i++)
        if (d.cmd[i].kind == VW_CMD_TEXT) {
            caption |= strstr(vw_cmd_text(&d, &d.cmd[i]), "[synthetic-epoll]") != NULL;
            counters |= strcmp(vw_cmd_text(&d, &d.cmd[i]), "socket calls") == 0;
        }
    assert_true(caption && counters);
    vw_draw_free(&d);
    vw_app_free(&app);
}

static void empty_run_shows_as_empty(void **state)
{
    (void)state;
    const char *path = tu_tmpfile(".sstrace");
    vw_synth run = {0, 1, 1, 0, 0, "idle-model"};
    char err[256];
    assert_int_equal(vw_synth_file(path, &run, 1, err, sizeof err), 0);
    vw_app app;
    vw_app_init(&app, 1000, 600);
    assert_int_equal(vw_app_load(&app, path), 0);
    assert_int_equal(app.s.nruns, 1);
    assert_int_equal(app.s.runs[0].nevents, 0);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_app_frame(&app, &d);
    vw_app_session_changed(&app);
    vw_app_frame(&app, &d);
    int said = 0;
    for (size_t i = 0; i < d.n; i++)
        said |= d.cmd[i].kind == VW_CMD_TEXT && strstr(vw_cmd_text(&d, &d.cmd[i]), "empty run") != NULL;
    assert_true(said);
    vw_draw_free(&d);
    vw_app_free(&app);
}

static void run_form_adds_panels(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1200, 700);
    assert_true(app.form.nmodels >= 1);
    for (int i = 0; i < app.form.nmodels; i++)
        app.form.on[i] = i == 0;
    app.form.value[VW_F_CLIENTS] = 2;
    app.form.value[VW_F_MESSAGES] = 1;
    vw_form_step(&app.form, VW_F_MESSAGES, +1);
    vw_form_step(&app.form, VW_F_MESSAGES, +1);
    assert_int_equal(app.form.value[VW_F_MESSAGES], 3);
    assert_int_equal(vw_form_start(&app.form), 0);
    for (int i = 0; i < 600 && app.s.nruns == 0; i++) {
        usleep(20000);
        vw_app_tick(&app, 0.02); /* the main loop picks the finished trace up */
    }
    assert_int_equal(app.s.nruns, 1);
    assert_string_equal(app.s.runs[0].model, app.form.model[0]);
    assert_int_equal(app.s.runs[0].nreq, 6);
    /* the trace is in a directory of the viewer's own (mode 0700), and both
     * go with the viewer */
    char tmp[256], dir[256];
    snprintf(tmp, sizeof tmp, "%s", app.s.runs[0].source);
    snprintf(dir, sizeof dir, "%s", app.form.tmpdir);
    assert_true(strncmp(tmp, dir, strlen(dir)) == 0);
    struct stat sb;
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    vw_app_free(&app);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(access(dir, F_OK), -1);
}

/* A preset from the form runs with what the fields do not cover: here its
 * slow client (special clients, staggered connects) and its name. */
static void run_form_runs_a_preset(void **state)
{
    (void)state;
    vw_app app;
    vw_app_init(&app, 1200, 700);
    for (int i = 0; i <= app.form.npresets && strcmp(app.form.sc->name, "iterative-vs-threads-slow-client"); i++)
        assert_int_equal(vw_form_preset(&app.form, +1), 0);
    assert_string_equal(app.form.sc->name, "iterative-vs-threads-slow-client");
    app.form.value[VW_F_CLIENTS] = 3;
    app.form.value[VW_F_MESSAGES] = 2;
    assert_int_equal(vw_form_start(&app.form), 0);
    for (int i = 0; i < 1500 && app.s.nruns == 0; i++) {
        usleep(20000);
        vw_app_tick(&app, 0.02);
    }
    assert_int_equal(app.s.nruns, 2);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(app.s.runs[r].nreq, 6);
        assert_non_null(strstr(app.s.runs[r].params, "scenario=iterative-vs-threads-slow-client"));
        assert_non_null(strstr(app.s.runs[r].params, "special=slow 1"));
        assert_non_null(strstr(app.s.runs[r].params, "connect=stagger"));
    }
    assert_string_equal(app.s.runs[0].model, "blocking-iterative");
    vw_app_free(&app);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(loads_runs_lanes_and_operations), cmocka_unit_test(damaged_files_say_why),
                                       cmocka_unit_test(window_messages_are_matched),
                                       cmocka_unit_test(session_save_keeps_kept_runs),
                                       cmocka_unit_test(frame_without_a_window),
                                       cmocka_unit_test(empty_run_shows_as_empty), cmocka_unit_test(run_form_adds_panels),
                                       cmocka_unit_test(run_form_runs_a_preset)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
