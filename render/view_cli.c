/* view_cli.c — `sockscope view` and `sockscope export --format png|svg`:
 * options, then one of: a window (interactive), one headless frame
 * (--screenshot), an animation as PNG frames or a video, an SVG. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render/app.h"
#include "render/backend.h"
#include "render/backend_svg.h"
#include "render/fontset.h"
#include "render/viewer.h"
#include "sim/base/outfile.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_BADINPUT = 3, EXIT_ENV = 4 };

typedef struct view_opts {
    int lecture, slide;
    vw_lang lang;
    const char *screenshot, *frames, *video, *svg, *window_shot;
    double at, zoom, seconds, quit_after, speed;
    int w, h, fps, play, panel;
} view_opts;

static int fail(int code, const char *msg)
{
    fprintf(stderr, "sockscope: %s\n", msg);
    return code;
}

static const char view_help[] =
    "usage: sockscope view [FILE|-...] [options]\n\n"
    "Animated, side-by-side timelines of the runs in each trace: one panel per run,\n"
    "lanes per server thread, the kernel's in-flight operations, clients, counters.\n"
    "With no FILE it opens the run form (press R): pick models or a preset, press Run.\n"
    "FILE '-' reads a trace from standard input.\n\n"
    "  --lecture            full screen, large type, captions explaining each event\n"
    "  --lang ko|en         caption language (default en)\n"
    "  --screenshot OUT.png render one frame without a display and exit ('-': standard output)\n"
    "  --slide              a picture for a slide: timelines, captions, legend and axis only,\n"
    "                       no header, keys, buttons or mini-map; the whole run in full colour\n"
    "  --at FRACTION        playhead position, 0..1 (pictures: default 0.5, slides 1; window: 0)\n"
    "  --zoom FACTOR        show 1/FACTOR of the run around the playhead (default 1)\n"
    "  --size WxH           picture or window size (default 1600x900)\n"
    "  --panel N            first panel shown when they do not all fit (default 1;\n"
    "                       or a taller --size)\n"
    "  --frames DIR         write the animation as DIR/frame_00001.png ...\n"
    "  --video OUT.mp4|gif  the animation through ffmpeg (when installed)\n"
    "  --seconds S          animation length (default 8); --fps N (default 25)\n"
    "  --speed NS           trace nanoseconds per second of playback (default 1e6:\n"
    "                       1 ms of trace = 1 s); --play starts playing at once\n\n"
    "keys: space play/pause, left/right previous/next event, up/down speed,\n"
    "      +/- or wheel zoom, drag pan, click select (same-socket chain), F fit,\n"
    "      L lecture, K language, R run form, S screenshot, W save session,\n"
    "      X remove selected panel, Tab caption panel, PgUp/PgDn or wheel over the\n"
    "      lane labels: other panels when they do not all fit, Esc/Q quit\n";

enum { O_LECTURE = 1000, O_LANG, O_SHOT, O_AT, O_ZOOM, O_SIZE, O_FRAMES, O_VIDEO, O_SECONDS, O_FPS, O_QUIT_AFTER,
       O_WINDOW_SHOT, O_SPEED, O_PLAY, O_PANEL, O_SLIDE };

static int parse_size(const char *s, view_opts *o)
{
    int w, h;
    if (sscanf(s, "%dx%d", &w, &h) != 2 || w < 320 || h < 200 || w > 8192 || h > 8192)
        return -1;
    o->w = w, o->h = h;
    return 0;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

static int parse_opts(int argc, char **argv, view_opts *o, char *err, size_t errlen)
{
    static const struct option lo[] = {
        {"lecture", no_argument, 0, O_LECTURE}, {"lang", required_argument, 0, O_LANG},
        {"screenshot", required_argument, 0, O_SHOT}, {"at", required_argument, 0, O_AT},
        {"zoom", required_argument, 0, O_ZOOM}, {"size", required_argument, 0, O_SIZE},
        {"frames", required_argument, 0, O_FRAMES}, {"video", required_argument, 0, O_VIDEO},
        {"seconds", required_argument, 0, O_SECONDS}, {"fps", required_argument, 0, O_FPS},
        {"quit-after", required_argument, 0, O_QUIT_AFTER}, {"window-shot", required_argument, 0, O_WINDOW_SHOT},
        {"speed", required_argument, 0, O_SPEED}, {"play", no_argument, 0, O_PLAY},
        {"panel", required_argument, 0, O_PANEL}, {"slide", no_argument, 0, O_SLIDE},
        {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    double v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", lo, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case O_LECTURE: o->lecture = 1; break;
        case O_SLIDE: o->slide = 1; break;
        case O_LANG: if (vw_lang_parse(optarg, &o->lang)) bad = "--lang takes ko or en"; break;
        case O_SHOT: o->screenshot = optarg; break;
        case O_AT: if (parse_num(optarg, 0, 1, &o->at)) bad = "--at takes a fraction between 0 and 1"; break;
        case O_ZOOM: if (parse_num(optarg, 1, 1e9, &o->zoom)) bad = "--zoom takes a factor >= 1"; break;
        case O_SIZE: if (parse_size(optarg, o)) bad = "--size takes WxH, e.g. 1600x900 (320x200 .. 8192x8192)"; break;
        case O_FRAMES: o->frames = optarg; break;
        case O_VIDEO: o->video = optarg; break;
        case O_SECONDS: if (parse_num(optarg, 0.1, 600, &o->seconds)) bad = "--seconds takes 0.1 .. 600"; break;
        case O_FPS: if (parse_num(optarg, 1, 120, &v)) bad = "--fps takes 1 .. 120"; else o->fps = (int)v; break;
        case O_QUIT_AFTER: if (parse_num(optarg, 0, 3600, &o->quit_after)) bad = "--quit-after takes seconds"; break;
        case O_WINDOW_SHOT: o->window_shot = optarg; break;
        case O_PLAY: o->play = 1; break;
        case O_PANEL: if (parse_num(optarg, 1, 1e6, &v)) bad = "--panel takes a panel number, 1 or more"; else o->panel = (int)v; break;
        case O_SPEED: if (parse_num(optarg, 100, 1e10, &o->speed)) bad = "--speed takes 100 .. 1e10 ns per second"; break;
        case 'f':
            if (strcmp(optarg, "svg") == 0)
                o->svg = "svg";
            else if (strcmp(optarg, "png"))
                bad = "--format: valid formats here: png, svg";
            break;
        case 'o': o->screenshot = optarg; break;
        case 'h': return 1;
        default: bad = "see 'sockscope view --help'";
        }
        if (bad) {
            snprintf(err, errlen, "%s", bad);
            return -1;
        }
    }
    return 0;
}

/* view range and playhead: --at (default: the middle for a picture, the
 * start for a window) and --zoom around it. A slide without --at has its
 * playhead at the end, everything in full colour, and zooms on the middle. */
static void place(vw_app *app, const view_opts *o)
{
    double at = o->at >= 0 ? o->at : 0.5;
    vw_anim_seek(&app->a, (o->at < 0 && o->slide ? 1 : at) * app->a.end);
    if (o->panel > app->s.nruns)
        vw_app_set_message(app, "--panel %d: the traces hold %d runs", o->panel, app->s.nruns);
    app->first_panel = o->panel > 0 ? o->panel - 1 : 0;
    if (o->zoom > 1) {
        double span = app->a.end / o->zoom;
        vw_view_set(&app->v, at * app->a.end - span / 2, at * app->a.end + span / 2);
    }
}

static int load_all(vw_app *app, int argc, char **argv, int first, int strict)
{
    int bad = 0;
    for (int i = first; i < argc; i++) {
        if (vw_app_load(app, argv[i]) != 0) {
            fprintf(stderr, "sockscope: %s\n", app->message);
            bad = 1;
        } else if (app->s.warning[0]) {
            fprintf(stderr, "sockscope: warning: %s\n", app->s.warning);
            bad |= strict && strstr(app->s.warning, "no runs") == NULL;
        }
    }
    return bad;
}

/* one frame into the off-screen backend (lays out twice: the first pass
 * sizes the plot, the second places the view in it) */
static void render_frame(vw_app *app, vw_backend *b, vw_draw *d, const view_opts *o, int first)
{
    vw_backend_bind(b, d, app->lecture);
    vw_app_frame(app, d);
    if (first) {
        vw_app_session_changed(app);
        vw_app_frame(app, d);
        place(app, o);
        vw_app_frame(app, d);
    }
    vw_backend_render(b, d);
}

/* A picture's destination (sim/base/outfile.h): "-" is standard output
 * (never a terminal: a picture there is noise); a regular file is written
 * under a temporary name and renamed when complete, so a failed export
 * leaves no half picture; a FIFO, a device or a symlink's file is written
 * through. */
static int output_open(ss_outfile *out, const char *path, char *err, size_t errlen)
{
    if (ss_out_is_stdout(path) && isatty(fileno(stdout))) {
        snprintf(err, errlen, "standard output is a terminal: redirect it (> out.png) or name a file with -o");
        return -1;
    }
    return ss_out_open(out, path, err, errlen);
}

static void say_written(const char *path, const view_opts *o)
{
    if (!ss_out_is_stdout(path))
        fprintf(stderr, "sockscope: wrote %s (%dx%d)\n", path, o->w, o->h);
}

static int screenshot(vw_app *app, const view_opts *o, const char *path)
{
    char err[512] = "writing the PNG failed";
    vw_backend *b = vw_backend_offscreen(o->w, o->h, err, sizeof err);
    if (!b)
        return fail(EXIT_ENV, err);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    render_frame(app, b, &d, o, 1);
    ss_outfile out;
    int rc = output_open(&out, path, err, sizeof err);
    if (rc == 0)
        rc = ss_out_close(&out, vw_backend_write_png(b, out.f, err, sizeof err) == 0, err, sizeof err);
    vw_draw_free(&d);
    vw_backend_free(b);
    if (rc != 0)
        return fail(EXIT_FAIL, err);
    say_written(path, o);
    return EXIT_OK;
}

/* The SVG is laid out with the fonts its glyphs come from (which measure
 * as SDL_ttf does), so it needs no window and no SDL. */
static int write_svg(vw_app *app, const view_opts *o, const char *path)
{
    char err[512] = "writing the SVG failed";
    vw_fontset *fs = vw_fontset_open(err, sizeof err);
    if (!fs)
        return fail(EXIT_ENV, err);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_fontset_bind(fs, &d, app->lecture);
    vw_app_frame(app, &d);
    vw_app_session_changed(app);
    vw_app_frame(app, &d);
    place(app, o);
    vw_app_frame(app, &d);
    ss_outfile out;
    int rc = output_open(&out, path, err, sizeof err);
    if (rc == 0)
        rc = ss_out_close(&out, vw_svg_write(out.f, &d, o->w, o->h, fs) == 0, err, sizeof err);
    vw_draw_free(&d);
    vw_fontset_free(fs);
    if (rc != 0)
        return fail(EXIT_FAIL, err);
    say_written(path, o);
    return EXIT_OK;
}

static int frames(vw_app *app, view_opts *o, const char *dir)
{
    char err[512], path[4096];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, sizeof err, "cannot create '%s': %s", dir, strerror(errno));
        return fail(EXIT_FAIL, err); /* an output that cannot be written */
    }
    vw_backend *b = vw_backend_offscreen(o->w, o->h, err, sizeof err);
    if (!b)
        return fail(EXIT_ENV, err);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    int n = (int)(o->seconds * o->fps), rc = EXIT_OK;
    o->at = 0;
    render_frame(app, b, &d, o, 1);
    app->a.speed = app->a.end / o->seconds;
    app->a.playing = 1;
    for (int i = 0; i < n && rc == EXIT_OK; i++) {
        if (i)
            vw_app_tick(app, 1.0 / o->fps);
        app->a.playing = 1;
        render_frame(app, b, &d, o, 0);
        snprintf(path, sizeof path, "%s/frame_%05d.png", dir, i + 1);
        if (vw_backend_save_png(b, path, err, sizeof err) != 0)
            rc = fail(EXIT_FAIL, err);
    }
    vw_draw_free(&d);
    vw_backend_free(b);
    if (rc == EXIT_OK)
        fprintf(stderr, "sockscope: wrote %d frames to %s\n", n, dir);
    return rc;
}

/* Runs argv (no shell: names go to the program as they are); the exit
 * status, 127 when the program is not there, or -1. */
extern char **environ;

static int run_program(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0)
        return rc == ENOENT ? 127 : -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A private directory for the frames, in $TMPDIR: created fresh by
 * mkdtemp (mode 0700), so nothing in it follows anyone's link. */
static int frames_dir(char *dir, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, n, "%s/sockscope-frames-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static void remove_frames(const char *dir, int n)
{
    char path[4200];
    for (int i = 1; i <= n; i++) {
        snprintf(path, sizeof path, "%s/frame_%05d.png", dir, i);
        unlink(path);
    }
    if (rmdir(dir) != 0)
        fprintf(stderr, "sockscope: could not remove %s: %s\n", dir, strerror(errno));
}

static int video(vw_app *app, view_opts *o, const char *out)
{
    char dir[4096], in[4200], rate[16], target[4200];
    char *probe[] = {"ffmpeg", "-loglevel", "quiet", "-version", NULL};
    if (run_program(probe) == 127)
        return fail(EXIT_ENV, "--video needs ffmpeg (apt-get install ffmpeg); --frames DIR writes PNG frames without it");
    if (frames_dir(dir, sizeof dir) != 0)
        return fail(EXIT_ENV, "cannot create a temporary directory for the frames (set TMPDIR?)");
    int rc = frames(app, o, dir);
    if (rc == EXIT_OK) {
        int gif = strlen(out) > 4 && strcmp(out + strlen(out) - 4, ".gif") == 0;
        snprintf(in, sizeof in, "%s/frame_%%05d.png", dir);
        snprintf(rate, sizeof rate, "%d", o->fps);
        snprintf(target, sizeof target, "file:%s", out); /* a name starting with '-' is not an option */
        char *argv[16] = {"ffmpeg", "-loglevel", "error", "-y", "-framerate", rate, "-i", in};
        int k = 8;
        if (gif) {
            argv[k++] = "-vf";
            argv[k++] = "fps=15,scale=960:-1:flags=lanczos";
        } else { /* H.264 wants even sizes */
            argv[k++] = "-pix_fmt";
            argv[k++] = "yuv420p";
            argv[k++] = "-vf";
            argv[k++] = "scale=trunc(iw/2)*2:trunc(ih/2)*2";
        }
        argv[k++] = target;
        argv[k] = NULL;
        int st = run_program(argv);
        rc = st == 0     ? EXIT_OK
             : st == 127 ? fail(EXIT_ENV, "--video needs ffmpeg (apt-get install ffmpeg); --frames DIR writes PNG "
                                          "frames without it")
                         : fail(EXIT_FAIL, "ffmpeg failed to encode the video");
    }
    remove_frames(dir, (int)(o->seconds * o->fps));
    if (rc == EXIT_OK)
        fprintf(stderr, "sockscope: wrote %s\n", out);
    return rc;
}

static void sync_fullscreen(vw_app *app, vw_backend *b, int *full, vw_draw *d)
{
    if (app->want_fullscreen != *full) {
        *full = app->want_fullscreen;
        vw_backend_fullscreen(b, *full);
        vw_backend_size(b, &app->w, &app->h);
    }
    vw_backend_bind(b, d, app->lecture);
}

static int window(vw_app *app, const view_opts *o)
{
    char err[512];
    vw_backend *b = vw_backend_window(o->w, o->h, o->lecture, err, sizeof err);
    if (!b)
        return fail(EXIT_ENV, err);
    vw_backend_size(b, &app->w, &app->h);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_backend_bind(b, &d, app->lecture);
    vw_app_frame(app, &d);
    vw_app_session_changed(app);
    if (o->speed > 0)
        app->a.speed = o->speed;
    if (o->at >= 0 || o->zoom > 1) {
        view_opts start = *o;
        start.at = o->at >= 0 ? o->at : 0;
        place(app, &start);
    }
    app->a.playing = o->play;
    int full = o->lecture, shots = 0, rc = EXIT_OK, nframes = 0;
    double start = vw_backend_seconds(), last = start;
    while (!app->quit) {
        vw_input in;
        while (vw_backend_poll(b, &in))
            vw_app_input(app, &in);
        double now = vw_backend_seconds();
        vw_app_tick(app, now - last);
        last = now;
        sync_fullscreen(app, b, &full, &d);
        vw_app_frame(app, &d);
        vw_backend_render(b, &d);
        int timed_out = o->quit_after > 0 && now - start >= o->quit_after;
        if (app->want_screenshot || (timed_out && o->window_shot)) {
            char path[512];
            snprintf(path, sizeof path, "%s", timed_out && o->window_shot ? o->window_shot : "");
            if (!path[0])
                snprintf(path, sizeof path, "sockscope-shot-%d.png", ++shots);
            if (vw_backend_save_png(b, path, err, sizeof err) == 0)
                vw_app_set_message(app, "screenshot saved to %s", path);
            else
                vw_app_set_message(app, "%s", err), rc = timed_out ? EXIT_FAIL : rc;
            app->want_screenshot = 0;
        }
        vw_backend_present(b);
        nframes++;
        if (timed_out) {
            fprintf(stderr, "sockscope: %d frames in %.1f s\n", nframes, now - start);
            break;
        }
        vw_backend_sleep_ms(app->a.playing ? 1 : 10);
    }
    vw_draw_free(&d);
    vw_backend_free(b);
    return rc;
}

int ss_view_main(int argc, char **argv)
{
    view_opts o = {.lang = VW_LANG_EN, .at = -1, .zoom = 1, .seconds = 8, .w = 1600, .h = 900, .fps = 25};
    char err[512];
    int r = parse_opts(argc, argv, &o, err, sizeof err);
    if (r > 0) {
        fputs(view_help, stdout);
        return EXIT_OK;
    }
    if (r < 0)
        return fail(EXIT_USAGE, err);
    int headless = o.screenshot || o.frames || o.video;
    if (o.slide && !o.screenshot)
        return fail(EXIT_USAGE, "--slide makes one picture: add --screenshot OUT.png, or use export --format png|svg");
    if (headless && optind >= argc)
        return fail(EXIT_USAGE, "--screenshot, --frames and --video need a trace FILE");
    vw_app app;
    vw_app_init(&app, o.w, o.h);
    app.lecture = o.lecture;
    app.lang = o.lang;
    app.slide = o.slide;
    int bad = load_all(&app, argc, argv, optind, headless);
    int rc;
    if (headless && bad && app.s.nruns == 0)
        rc = EXIT_BADINPUT; /* nothing to draw; the message is on stderr */
    else if (o.screenshot)
        rc = screenshot(&app, &o, o.screenshot);
    else if (o.frames)
        rc = frames(&app, &o, o.frames);
    else if (o.video)
        rc = video(&app, &o, o.video);
    else
        rc = window(&app, &o);
    if (headless && bad && rc == EXIT_OK)
        rc = EXIT_BADINPUT; /* a damaged trace was drawn as far as it goes: scripts must notice */
    vw_app_free(&app);
    return rc;
}

int ss_view_export_main(int argc, char **argv)
{
    view_opts o = {.lang = VW_LANG_EN, .at = -1, .zoom = 1, .seconds = 8, .w = 1600, .h = 900, .fps = 25};
    char err[512];
    int r = parse_opts(argc, argv, &o, err, sizeof err);
    if (r != 0)
        return r > 0 ? (fputs(view_help, stdout), EXIT_OK) : fail(EXIT_USAGE, err);
    if (optind + 1 != argc)
        return fail(EXIT_USAGE, "export needs exactly one trace FILE (see 'sockscope export --help')");
    if (!o.screenshot)
        return fail(EXIT_USAGE, "export --format png|svg needs -o OUT ('-o -': standard output)");
    vw_app app;
    vw_app_init(&app, o.w, o.h);
    app.lang = o.lang;
    app.lecture = o.lecture;
    app.slide = o.slide;
    int bad = load_all(&app, argc, argv, optind, 1);
    int rc = bad && app.s.nruns == 0 ? EXIT_BADINPUT
             : o.svg                  ? write_svg(&app, &o, o.screenshot)
                                      : screenshot(&app, &o, o.screenshot);
    if (bad && rc == EXIT_OK)
        rc = EXIT_BADINPUT;
    vw_app_free(&app);
    return rc;
}
