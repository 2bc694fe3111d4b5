/* view_bench.c — the viewer's performance, measured: writes synthetic
 * traces of N events with the real recorder (sim/load/synth.c), then reports
 * load time, memory per event and the time to build a frame's draw
 * commands at many zoom levels and positions (percentiles).
 *
 *   view-bench [EVENTS...]      default: 1000000 10000000
 * Traces go to $TMPDIR (or /tmp) and are removed afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render/app.h"
#include "sim/load/synth.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, int n, double p) { return v[(int)(p / 100.0 * (n - 1) + 0.5)]; }

#define FRAMES 240

static void frames(vw_app *app, vw_draw *d, double *ms, int *n)
{
    static const double zooms[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    *n = 0;
    vw_app_frame(app, d);
    for (int i = 0; i < FRAMES; i++) {
        double z = zooms[i % 7], at = (double)(i * 37 % 100) / 100.0;
        double span = app->a.end / z;
        vw_anim_seek(&app->a, at * app->a.end);
        vw_view_set(&app->v, app->a.t - span / 2, app->a.t + span / 2);
        app->mx = app->v.x0 + app->v.w / 2, app->my = app->L.plot.y + 40; /* a hover each frame */
        app->hover = vw_hit_test(&app->s, &app->L, &app->v, app->mx, app->my);
        double t0 = now_s();
        vw_app_frame(app, d);
        ms[(*n)++] = (now_s() - t0) * 1e3;
    }
    qsort(ms, (size_t)*n, sizeof *ms, cmp_d);
}

static int bench(uint64_t events)
{
    const char *tmp = getenv("TMPDIR");
    char path[512], err[512];
    snprintf(path, sizeof path, "%s/view-bench-%d.sstrace", tmp ? tmp : "/tmp", (int)getpid());
    vw_synth runs[2] = {{events / 2, 4, 8, 0, 0, "synthetic-epoll"}, {events / 2, 2, 8, 1, 0, "synthetic-iocp"}};
    double t0 = now_s();
    if (vw_synth_file(path, runs, 2, err, sizeof err) != 0) {
        fprintf(stderr, "view-bench: %s\n", err);
        return 1;
    }
    double t_write = now_s() - t0;
    vw_app app;
    vw_app_init(&app, 1600, 900);
    t0 = now_s();
    int rc = vw_app_load(&app, path);
    double t_load = now_s() - t0;
    remove(path);
    if (rc != 0) {
        fprintf(stderr, "view-bench: %s\n", app.message);
        return 1;
    }
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    double ms[FRAMES];
    int n;
    frames(&app, &d, ms, &n);
    size_t bytes = vw_session_bytes(&app.s);
    uint64_t ev = app.s.nevents;
    uint64_t tev = app.s.trace_events;
    printf("| %llu | %llu | %.2f s | %.2f s | %.1f B | %.1f B | %.0f MB | %.2f ms | %.2f ms | %.2f ms | %.2f ms |\n",
           (unsigned long long)tev, (unsigned long long)ev, t_write, t_load, (double)bytes / (double)(tev ? tev : 1),
           (double)bytes / (double)(ev ? ev : 1), bytes / 1e6,
           pct(ms, n, 50), pct(ms, n, 95), pct(ms, n, 99), ms[n - 1]);
    vw_draw_free(&d);
    vw_app_free(&app);
    return 0;
}

int main(int argc, char **argv)
{
    printf("| trace events | events held | write (recorder) | load | bytes/trace event | bytes/event held | memory | "
           "frame p50 | p95 | p99 | max |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    if (argc < 2)
        return bench(1000000) | bench(10000000);
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= bench(strtoull(argv[i], NULL, 10));
    return rc;
}
