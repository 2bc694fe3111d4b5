/* The SVG backend without a window: a whole frame, its text as glyph
 * outlines (defined once, each <use> pointing at a definition), the words
 * kept in aria-label, and the glyphs placed where the layout measured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/app.h"
#include "render/backend_svg.h"
#include "render/fontset.h"
#include "sim/load/synth.h"
#include "testutil.h"

static char *svg_of(const vw_draw *d, int w, int h, vw_fontset *fs)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(vw_svg_write(f, d, w, h, fs), 0);
    long n = ftell(f);
    char *svg = malloc((size_t)n + 1);
    assert_non_null(svg);
    rewind(f);
    assert_int_equal(fread(svg, 1, (size_t)n, f), (size_t)n);
    svg[n] = 0;
    fclose(f);
    return svg;
}

/* every <use xlink:href="#ID"> has a <path id="ID">; returns the uses */
static int uses_defined(const char *svg)
{
    int uses = 0;
    for (const char *p = svg; (p = strstr(p, "xlink:href=\"#"));) {
        p += 13;
        char id[64], want[80];
        size_t n = strcspn(p, "\"");
        assert_true(n < sizeof id);
        memcpy(id, p, n);
        id[n] = 0;
        snprintf(want, sizeof want, "<path id=\"%s\"", id);
        assert_non_null(strstr(svg, want));
        uses++;
    }
    return uses;
}

static void frame_as_glyph_outlines(void **state)
{
    (void)state;
    char err[256];
    const char *path = tu_tmpfile(".sstrace");
    vw_synth runs[2] = {{20000, 2, 3, 0, 0, "synthetic-epoll"}, {20000, 2, 3, 1, 0, "synthetic-iocp"}};
    assert_int_equal(vw_synth_file(path, runs, 2, err, sizeof err), 0);
    vw_fontset *fs = vw_fontset_open(err, sizeof err);
    assert_non_null(fs);
    vw_app app;
    vw_app_init(&app, 1200, 700);
    assert_int_equal(vw_app_load(&app, path), 0);
    app.lecture = 1;
    app.lang = VW_LANG_KO;
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_fontset_bind(fs, &d, 1);
    vw_app_frame(&app, &d);
    vw_app_session_changed(&app);
    vw_anim_seek(&app.a, app.a.end / 2);
    vw_app_frame(&app, &d);
    char *svg = svg_of(&d, 1200, 700, fs);
    assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(svg, "</svg>\n"));
    assert_null(strstr(svg, "<text")); /* no font needed where it is viewed */
    assert_null(strstr(svg, "font-family"));
    assert_non_null(strstr(svg, "aria-label=\"소켓 함수 호출\"")); /* a counter, in Korean */
    assert_non_null(strstr(svg, "aria-label=\"1. synthetic-epoll\""));
    assert_non_null(strstr(svg, "data-ascender=\""));
    int uses = uses_defined(svg);
    fprintf(stderr, "%zu bytes, %d glyphs placed\n", strlen(svg), uses);
    assert_true(uses > 500);
    free(svg);
    vw_draw_free(&d);
    vw_app_free(&app);
    vw_fontset_free(fs);
}

/* a text's glyphs start at its box and end within the width it measured */
static void glyphs_fill_the_measured_box(void **state)
{
    (void)state;
    char err[256];
    vw_fontset *fs = vw_fontset_open(err, sizeof err);
    assert_non_null(fs);
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_fontset_bind(fs, &d, 0);
    const char *s = "blocking accept 블로킹 µs <&\">";
    int w = vw_text(&d, 100, 50, VW_FONT_NORMAL, VW_RGB(0, 0, 0), VW_ALIGN_RIGHT, s);
    char *svg = svg_of(&d, 400, 100, fs);
    /* right-aligned at 100: the group starts at 100 - w */
    char want[128];
    snprintf(want, sizeof want, "transform=\"translate(%d ", 100 - w);
    assert_non_null(strstr(svg, want));
    assert_non_null(strstr(svg, "aria-label=\"blocking accept 블로킹 µs &lt;&amp;&quot;&gt;\""));
    assert_non_null(strstr(svg, "<path id=\"g1-")); /* µ from the fallback font */
    vw_shaped sh = {0};
    assert_int_equal(vw_fontset_shape(fs, d.font_px[VW_FONT_NORMAL], s, &sh), 0);
    assert_int_equal(sh.w, w);
    assert_int_equal(sh.g[0].x, 0);
    for (int i = 1; i < sh.n; i++)
        assert_true(sh.g[i].x >= sh.g[i - 1].x && sh.g[i].x < w);
    vw_shaped_free(&sh);
    free(svg);
    vw_draw_free(&d);
    vw_fontset_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_as_glyph_outlines),
        cmocka_unit_test(glyphs_fill_the_measured_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
