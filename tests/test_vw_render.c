/* Headless rendering through the real SDL backend (software surface, no
 * display): the pixels show the lanes' colours where the events are, the
 * playhead column, the caption text; the PNG file reads back the same. */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "render/app.h"
#include "render/backend.h"
#include "render/palette.h"
#include "render/scene.h"
#include "testutil.h"
#include "vw_fixture.h"
#include "vw_textcheck.h"

#define W 1000
#define H 560

typedef struct shot {
    vw_app app;
    vw_backend *b;
    vw_draw d;
    uint32_t *px;
    int w, h;
} shot;

static void render(shot *s, double t, int lecture)
{
    char err[256];
    vw_app_init(&s->app, W, H);
    fx_simple(&s->app.s);
    s->app.lecture = lecture;
    s->b = vw_backend_offscreen(W, H, err, sizeof err);
    assert_non_null(s->b);
    vw_draw_init(&s->d, NULL, NULL, NULL);
    vw_backend_bind(s->b, &s->d, lecture);
    vw_app_frame(&s->app, &s->d);
    vw_app_session_changed(&s->app);
    vw_anim_seek(&s->app.a, t);
    vw_app_frame(&s->app, &s->d);
    vw_backend_render(s->b, &s->d);
    s->px = vw_backend_pixels(s->b, &s->w, &s->h);
    assert_non_null(s->px);
}

static void done(shot *s)
{
    free(s->px);
    vw_draw_free(&s->d);
    vw_backend_free(s->b);
    vw_app_free(&s->app);
}

static uint32_t at(const shot *s, int x, int y) { return s->px[(size_t)y * (size_t)s->w + (size_t)x] | 0xff; }
static int lane_y(const shot *s) { return s->app.L.panels[0].box[0].y + s->app.L.panels[0].box[0].h / 2; }
static int xt(const shot *s, double t) { return (int)vw_view_px(&s->app.v, t); }

static void lanes_show_each_category(void **state)
{
    (void)state;
    shot s;
    render(&s, 10000, 0);
    assert_int_equal(s.w, W);
    assert_int_equal(s.h, H);
    int y = lane_y(&s);
    assert_int_equal(at(&s, xt(&s, 2000), y), VW_C_WAIT);   /* select, slept */
    assert_int_equal(at(&s, xt(&s, 4500), y), VW_C_KERNEL); /* recv */
    assert_int_equal(at(&s, xt(&s, 7000), y), VW_C_USER);   /* CPU work */
    assert_int_equal(at(&s, xt(&s, 5900), y), VW_C_ALIVE);  /* between calls: user code */
    assert_int_equal(at(&s, xt(&s, 9500), y), VW_C_IDLE);   /* after its last call */
    const vw_box *cb = &s.app.L.panels[0].box[1];
    assert_int_equal(at(&s, xt(&s, 6000), cb->y + cb->h / 2), VW_C_REQUEST);
    done(&s);
}

static void playhead_column_and_future_shade(void **state)
{
    (void)state;
    shot s;
    render(&s, 5500, 0);
    int x = xt(&s, 5500), y = lane_y(&s);
    assert_int_equal(at(&s, x, y), VW_C_PLAYHEAD);
    assert_int_equal(at(&s, x, s.app.L.plot.y + s.app.L.plot.h - 3), VW_C_PLAYHEAD);
    /* after the playhead the CPU work is drawn lighter than before it */
    assert_int_not_equal(at(&s, xt(&s, 7000), y), VW_C_USER);
    assert_int_equal(at(&s, xt(&s, 2000), y), VW_C_WAIT);
    done(&s);
}

static void caption_text_is_drawn(void **state)
{
    (void)state;
    shot s;
    render(&s, 4500, 1);
    const vw_rect *c = &s.app.L.caption;
    assert_true(c->h > 0);
    long ink = 0;
    for (int y = c->y; y < c->y + c->h; y++)
        for (int x = c->x; x < c->x + c->w; x++)
            ink += at(&s, x, y) != VW_C_CAPTION;
    assert_true(ink > 2000); /* several lines of text */
    done(&s);
}

static void png_reads_back(void **state)
{
    (void)state;
    shot s;
    render(&s, 10000, 0);
    char err[256];
    const char *path = tu_tmpfile(".png");
    assert_int_equal(vw_backend_save_png(s.b, path, err, sizeof err), 0);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_file(&img, path));
    assert_int_equal(img.width, W);
    assert_int_equal(img.height, H);
    img.format = PNG_FORMAT_RGBA;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    assert_true(png_image_finish_read(&img, NULL, buf, 0, NULL));
    int x = xt(&s, 2000), y = lane_y(&s);
    const uint8_t *p = buf + ((size_t)y * W + (size_t)x) * 4;
    uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | 0xff;
    assert_int_equal(v, VW_C_WAIT);
    free(buf);
    done(&s);
}

static int find_zone(const vw_app *app, int id, int arg)
{
    for (int i = 0; i < app->nzones; i++)
        if (app->zones[i].id == id && app->zones[i].arg == arg)
            return i;
    return -1;
}

static int drew_text(const vw_draw *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->cmd[i].kind == VW_CMD_TEXT && strstr(vw_cmd_text(d, &d->cmd[i]), needle))
            return 1;
    return 0;
}

/* The run form lists the shipped presets; clicking ">" loads the first:
 * its models are ticked, its workload is in the fields, its caption shows
 * (one line, cut to the form), and "<" goes back to none. */
static void run_form_picks_presets(void **state)
{
    (void)state;
    shot s;
    render(&s, 10000, 0);
    vw_app *app = &s.app;
    app->form.open = 1;
    vw_app_frame(app, &s.d);
    assert_true(app->form.npresets >= 7); /* assets/scenarios */
    assert_int_equal(app->form.preset, -1);
    int z = find_zone(app, VW_Z_PRESET, +1);
    assert_true(z >= 0);
    vw_input click = {VW_IN_DOWN, 0, 0, app->zones[z].r.x + 2, app->zones[z].r.y + 2, 1, 0, 0};
    vw_app_input(app, &click);
    assert_int_equal(app->form.preset, 0);
    const ss_scenario *sc = app->form.sc;
    assert_string_equal(app->form.presets[0], sc->name);
    for (int i = 0; i < app->form.nmodels; i++) {
        int listed = 0;
        for (int k = 0; k < sc->nmodels; k++)
            listed |= strcmp(sc->models[k], app->form.model[i]) == 0;
        assert_int_equal(app->form.on[i], listed);
    }
    assert_int_equal(app->form.value[VW_F_CLIENTS], sc->w.clients);
    vw_app_frame(app, &s.d);
    vw_backend_render(s.b, &s.d);
    assert_true(drew_text(&s.d, app->form.presets[0]));
    char first_words[24];
    memcpy(first_words, sc->caption_en, sizeof first_words - 1);
    first_words[sizeof first_words - 1] = 0;
    assert_true(drew_text(&s.d, first_words));
    const char *png = getenv("SS_FORM_PNG"); /* a picture to look at */
    char err[256];
    assert_int_equal(vw_backend_save_png(s.b, png ? png : tu_tmpfile(".png"), err, sizeof err), 0);
    z = find_zone(app, VW_Z_PRESET, -1);
    vw_input back = {VW_IN_DOWN, 0, 0, app->zones[z].r.x + 2, app->zones[z].r.y + 2, 1, 0, 0};
    vw_app_input(app, &back);
    assert_int_equal(app->form.preset, -1);
    done(&s);
}

/* --- lecture mode with the shipped font ------------------------------------------------ */
static void key(vw_app *app, vw_key k, int ch)
{
    vw_input in = {VW_IN_KEY, k, ch, 0, 0, 0, 0, 0};
    vw_app_input(app, &in);
}

/* a frame as the window loop makes it: the fonts for the mode, layout, draw */
static void draw_frame(shot *s)
{
    vw_backend_bind(s->b, &s->d, s->app.lecture);
    vw_app_frame(&s->app, &s->d);
    vw_backend_render(s->b, &s->d);
    free(s->px);
    s->px = vw_backend_pixels(s->b, &s->w, &s->h);
    assert_non_null(s->px);
}

static void open_trace(shot *s, const char *preset, int w, int h, int lecture, vw_lang lang)
{
    char err[256], path[1024];
    vw_app_init(&s->app, w, h);
    s->app.lecture = lecture;
    s->app.lang = lang;
    assert_int_equal(vw_app_load(&s->app, tc_trace(preset, path, sizeof path)), 0);
    s->b = vw_backend_offscreen(w, h, err, sizeof err);
    assert_non_null(s->b);
    vw_draw_init(&s->d, NULL, NULL, NULL);
    s->px = NULL;
    draw_frame(s);
    vw_app_session_changed(&s->app);
    vw_anim_seek(&s->app.a, s->app.a.end / 2);
    draw_frame(s);
}

/* the header's rows are its colour, with its text on them; the axis row has
 * its tick labels: drawn, not background (nor black) */
static void assert_header_and_axis(const shot *s, const char *when)
{
    const vw_rect *hd = &s->app.L.header, *ax = &s->app.L.axis;
    assert_int_equal(hd->y, 0);
    long bg = 0, ink = 0, axis_ink = 0;
    for (int y = hd->y; y < hd->y + hd->h; y++)
        for (int x = 0; x < s->w; x++) {
            uint32_t p = at(s, x, y);
            bg += p == VW_C_CAPTION;
            ink += p != VW_C_CAPTION && p != 0x000000ff;
        }
    for (int y = ax->y; y < ax->y + ax->h; y++)
        for (int x = ax->x; x < ax->x + ax->w; x++)
            axis_ink += at(s, x, y) != VW_C_BG;
    print_message("%s: header %ld px of its colour, %ld of text; axis %ld px of ink\n", when, bg, ink, axis_ink);
    assert_true(bg > (long)s->w * hd->h / 2);
    assert_true(ink > 500);  /* "sockscope", PAUSED and the time, the pace */
    assert_true(axis_ink > 100); /* tick labels */
    assert_int_equal(at(s, 2, 1), VW_C_CAPTION); /* the very top row: the header, not a band */
}

/* L and Esc: after each, the header and the time axis are drawn where the
 * layout put them, at the top of the frame. */
static void header_and_axis_after_l_and_esc(void **state)
{
    (void)state;
    shot s;
    open_trace(&s, "closing-comparison", 1024, 768, 0, VW_LANG_KO);
    assert_header_and_axis(&s, "start");
    key(&s.app, VW_KEY_CHAR, 'l');
    assert_true(s.app.lecture);
    draw_frame(&s);
    assert_header_and_axis(&s, "after L");
    key(&s.app, VW_KEY_ESCAPE, 0);
    assert_false(s.app.lecture);
    draw_frame(&s);
    assert_header_and_axis(&s, "after Esc");
    vw_input r = {VW_IN_RESIZE, 0, 0, 1024, 768, 0, 0, 0}; /* a resize changes nothing here */
    vw_app_input(&s.app, &r);
    draw_frame(&s);
    assert_header_and_axis(&s, "after a resize");
    done(&s);
}

/* With the shipped font: no two texts overlap and none leaves the frame,
 * for every preset in Korean and English in lecture mode at 1024x768,
 * 1280x720 and 1920x1080, and the closing comparison's eleven models are
 * all on one 1920x1080 screen. */
static void lecture_texts_fit_with_the_real_font(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1024, 768}, {1280, 720}, {1920, 1080}};
    for (size_t p = 0; p < TC_NPRESETS; p++)
        for (int lang = 0; lang < 2; lang++)
            for (int z = 0; z < 3; z++) {
                shot s;
                char what[160];
                snprintf(what, sizeof what, "%s %s %dx%d", TC_PRESETS[p], lang ? "ko" : "en", sizes[z][0], sizes[z][1]);
                open_trace(&s, TC_PRESETS[p], sizes[z][0], sizes[z][1], 1, (vw_lang)lang);
                tc_assert_clean(&s.d, sizes[z][0], sizes[z][1], what);
                if (p == 0 && z == 2) {
                    assert_true(s.app.overview_on);
                    assert_int_equal(s.app.L.shown, 11);
                }
                done(&s);
            }
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    const struct CMUnitTest tests[] = {cmocka_unit_test(lanes_show_each_category), cmocka_unit_test(playhead_column_and_future_shade),
                                       cmocka_unit_test(caption_text_is_drawn), cmocka_unit_test(png_reads_back),
                                       cmocka_unit_test(run_form_picks_presets),
                                       cmocka_unit_test(header_and_axis_after_l_and_esc),
                                       cmocka_unit_test(lecture_texts_fit_with_the_real_font)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
