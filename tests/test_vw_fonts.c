/* The fonts sockscope ships draw every character the viewer can show (each
 * string literal in render/, models/ and sim/ — call, error, thread names
 * and mechanisms reach the screen through the trace — and the presets'
 * captions), and
 * fontset.c measures text exactly as SDL_ttf does — so the SVG's glyph
 * outlines take the room the layout measured for the PNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include "render/backend.h"
#include "render/fontset.h"
#include "testutil.h"

/* --- the strings: C string literals and the presets' values ----------------- */
typedef struct str_list {
    char **s;
    char **where; /* "file:line" */
    size_t n, cap;
} str_list;

static void add(str_list *l, const char *file, int line, const char *s, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->s = realloc(l->s, l->cap * sizeof *l->s);
        l->where = realloc(l->where, l->cap * sizeof *l->where);
        assert_non_null(l->s);
        assert_non_null(l->where);
    }
    l->s[l->n] = strndup(s, len);
    char w[512];
    snprintf(w, sizeof w, "%s:%d", file, line);
    l->where[l->n++] = strdup(w);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    return b;
}

/* the body of a "..." literal, escapes resolved; p is past the opening quote */
static const char *literal(const char *p, char *out, size_t *n, int *line)
{
    *n = 0;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\n')
            (*line)++;
        if (c == '\\') {
            c = *++p;
            if (c == 'x') {
                c = (char)strtol(p + 1, (char **)&p, 16);
                p--;
            } else {
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c == '0' ? 0 : c;
            }
        }
        if (*n < 4095)
            out[(*n)++] = c;
    }
    return *p ? p + 1 : p;
}

/* every string literal of a C file, outside comments and character constants */
static void c_strings(str_list *l, const char *path, const char *name)
{
    char *src = slurp(path), buf[4096];
    int line = 1;
    for (const char *p = src; *p;) {
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            for (; *p && p != e; p++)
                line += *p == '\n';
            p = e ? e + 2 : p;
        } else if (p[0] == '/' && p[1] == '/') {
            p += strcspn(p, "\n");
        } else if (*p == '\'') {
            p += p[1] == '\\' ? 4 : 3;
        } else if (*p == '"') {
            size_t n;
            int at = line;
            p = literal(p + 1, buf, &n, &line);
            add(l, name, at, buf, n);
        } else {
            line += *p++ == '\n';
        }
    }
    free(src);
}

/* the values of an INI file (the presets' captions are drawn in the run form) */
static void ini_values(str_list *l, const char *path, const char *name)
{
    char *src = slurp(path);
    int line = 1;
    for (char *p = src; *p; line++) {
        size_t n = strcspn(p, "\n");
        char *eq = memchr(p, '=', n);
        if (eq && *p != '#' && *p != ';')
            add(l, name, line, eq + 1, n - (size_t)(eq + 1 - p));
        p += n + (p[n] == '\n');
    }
    free(src);
}

static void scan_dir(str_list *l, const char *dir, const char *ext, void (*fn)(str_list *, const char *, const char *))
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", getenv("SS_SRC"), dir);
    DIR *d = opendir(path);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name), k = strlen(ext);
        if (n <= k || strcmp(e->d_name + n - k, ext) != 0)
            continue;
        char file[2048], name[1200];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        snprintf(name, sizeof name, "%s/%s", dir, e->d_name);
        fn(l, file, name);
    }
    closedir(d);
}

static str_list drawn;
static vw_fontset *fs;

static int setup(void **state)
{
    (void)state;
    char err[512];
    fs = vw_fontset_open(err, sizeof err);
    if (!fs)
        fprintf(stderr, "%s\n", err);
    scan_dir(&drawn, "render", ".c", c_strings);
    scan_dir(&drawn, "models", ".c", c_strings);
    scan_dir(&drawn, "sim", ".c", c_strings);
    scan_dir(&drawn, "assets/scenarios", ".ini", ini_values);
    /* edge cases of the box arithmetic, and the characters the fallback is for */
    static const char *const extra[] = {"", " ", "  ", "j", "Ag한", "CPU µs", "µ", "…", "x…", "/", "_", "ff", "AV",
                                        "Tj", "T.", "\xee\x80\x80", "a\xee\x80\x80" "b", "← → ↑ ↓", "한글 µs ×2"};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        add(&drawn, "test", 0, extra[i], strlen(extra[i]));
    return fs ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < drawn.n; i++) {
        free(drawn.s[i]);
        free(drawn.where[i]);
    }
    free(drawn.s);
    free(drawn.where);
    vw_fontset_free(fs);
    return 0;
}

static void every_drawn_character_has_a_glyph(void **state)
{
    (void)state;
    int missing = 0, fallback = 0;
    size_t from_sources = 0;
    for (size_t i = 0; i < drawn.n; i++) {
        if (strcmp(drawn.where[i], "test:0") == 0)
            continue; /* the edge cases hold a character in neither font on purpose */
        from_sources++;
        for (const char *p = drawn.s[i]; *p;) {
            uint32_t cp = vw_utf8_next(&p);
            if (cp < 0x20 || cp == 0x7f)
                continue; /* control characters are never drawn */
            if (!vw_fontset_has(fs, VW_FACE_MAIN, cp) && vw_fontset_has(fs, VW_FACE_FALLBACK, cp))
                fallback++;
            if (!vw_fontset_has(fs, VW_FACE_MAIN, cp) && !vw_fontset_has(fs, VW_FACE_FALLBACK, cp)) {
                fprintf(stderr, "%s: U+%04X has no glyph in either font: \"%s\"\n", drawn.where[i], cp, drawn.s[i]);
                missing++;
            }
        }
    }
    fprintf(stderr, "%zu strings from the sources; %d characters drawn from the fallback font\n", from_sources,
            fallback);
    assert_true(from_sources > 500); /* the scan found the tables */
    assert_true(fallback > 0);       /* "CPU µs" needs DejaVu Sans */
    assert_int_equal(missing, 0);
}

static void runs_split_by_face(void **state)
{
    (void)state;
    const char *s = "CPU µs";
    int face;
    size_t n = vw_fontset_run(fs, s, &face);
    assert_int_equal(n, 4);
    assert_int_equal(face, VW_FACE_MAIN);
    n = vw_fontset_run(fs, s + 4, &face);
    assert_int_equal(n, 2); /* µ: two bytes */
    assert_int_equal(face, VW_FACE_FALLBACK);
    n = vw_fontset_run(fs, s + 6, &face);
    assert_int_equal(n, 1);
    assert_int_equal(face, VW_FACE_MAIN);
    assert_int_equal(vw_fontset_run(fs, s + 7, &face), 0);
    /* in neither font: the main font's box, with its neighbours */
    assert_int_equal(vw_fontset_run(fs, "a\xee\x80\x80" "b", &face), 5);
    assert_int_equal(face, VW_FACE_MAIN);
    const char *bad = "\xff" "a";
    assert_int_equal(vw_utf8_next(&bad), 0xfffd);
    assert_int_equal(vw_utf8_next(&bad), 'a');
    const char *hangul = "한";
    assert_int_equal(vw_utf8_next(&hangul), 0xd55c);
}

/* The SVG is measured by fontset.c, the PNG by SDL_ttf: they must agree to
 * the pixel, for every string at every size, or SVG text would collide. */
static void measures_as_sdl_ttf(void **state)
{
    (void)state;
    char err[256];
    vw_backend *b = vw_backend_offscreen(64, 64, err, sizeof err);
    assert_non_null(b);
    int differ = 0, compared = 0;
    for (int lecture = 0; lecture < 2; lecture++) {
        vw_draw sdl, ft;
        vw_draw_init(&sdl, NULL, NULL, NULL);
        vw_draw_init(&ft, NULL, NULL, NULL);
        vw_backend_bind(b, &sdl, lecture);
        vw_fontset_bind(fs, &ft, lecture);
        assert_memory_equal(sdl.font_px, ft.font_px, sizeof sdl.font_px);
        for (int f = 0; f < VW_NFONTS; f++)
            for (size_t i = 0; i < drawn.n; i++) {
                int w1, h1, w2, h2;
                assert_int_equal(sdl.measure(sdl.measure_ud, (vw_font)f, drawn.s[i], &w1, &h1), 0);
                assert_int_equal(ft.measure(ft.measure_ud, (vw_font)f, drawn.s[i], &w2, &h2), 0);
                compared++;
                if (w1 != w2 || h1 != h2) {
                    if (differ++ < 20)
                        fprintf(stderr, "%s at %d px: SDL_ttf %dx%d, fontset %dx%d: \"%s\"\n", drawn.where[i],
                                ft.font_px[f], w1, h1, w2, h2, drawn.s[i]);
                }
            }
    }
    fprintf(stderr, "%d measurements compared, %d differ\n", compared, differ);
    assert_int_equal(differ, 0);
    vw_backend_free(b);
}

static void outlines_in_thousandths_of_an_em(void **state)
{
    (void)state;
    char *path;
    int adv, asc, desc;
    uint32_t gid_h, gid_sp, gid_han;
    vw_shaped s = {0};
    assert_int_equal(vw_fontset_shape(fs, 14, "H 한", &s), 0);
    assert_int_equal(s.n, 3);
    gid_h = s.g[0].gid, gid_sp = s.g[1].gid, gid_han = s.g[2].gid;
    /* pens go left to right on one baseline */
    assert_int_equal(s.g[0].x, 0);
    assert_true(s.g[1].x > s.g[0].x && s.g[2].x > s.g[1].x);
    assert_int_equal(s.g[0].y, s.g[2].y);
    vw_shaped_free(&s);
    assert_int_equal(vw_fontset_outline(fs, VW_FACE_MAIN, gid_h, &path, &adv), 0);
    assert_true(path[0] == 'M' && strchr(path, 'Z') && adv > 500 && adv < 1000);
    free(path);
    assert_int_equal(vw_fontset_outline(fs, VW_FACE_MAIN, gid_sp, &path, &adv), 0);
    assert_string_equal(path, ""); /* nothing to draw, only room */
    assert_true(adv > 100);
    free(path);
    assert_int_equal(vw_fontset_outline(fs, VW_FACE_MAIN, gid_han, &path, &adv), 0);
    assert_true(strlen(path) > 50 && adv > 800 && adv <= 1100); /* a full-width syllable */
    free(path);
    vw_fontset_vmetrics(fs, VW_FACE_MAIN, &asc, &desc);
    assert_true(asc > 600 && asc < 1200 && desc < 0 && desc > -400);
}

/* ink of one text drawn alone by the SDL backend at (4, 4) */
static int ink(vw_backend *b, const char *s, uint32_t **px, int *w)
{
    vw_draw d;
    vw_draw_init(&d, NULL, NULL, NULL);
    vw_backend_bind(b, &d, 0);
    vw_fill(&d, 0, 0, 200, 60, VW_RGB(0xff, 0xff, 0xff));
    vw_text(&d, 4, 4, VW_FONT_TITLE, VW_RGB(0, 0, 0), VW_ALIGN_LEFT, s);
    vw_backend_render(b, &d);
    vw_draw_free(&d);
    int h;
    *px = vw_backend_pixels(b, w, &h);
    assert_non_null(*px);
    int n = 0;
    for (int i = 0; i < *w * h; i++)
        n += ((*px)[i] >> 24) < 0x80;
    return n;
}

/* µ in the window and the PNG is DejaVu's µ, not the main font's empty box */
static void sdl_draws_the_fallback_glyph(void **state)
{
    (void)state;
    char err[256];
    vw_backend *b = vw_backend_offscreen(200, 60, err, sizeof err);
    assert_non_null(b);
    uint32_t *mu, *box;
    int w;
    int n_mu = ink(b, "µ", &mu, &w), n_box = ink(b, "\xee\x80\x80", &box, &w);
    assert_true(n_mu > 10 && n_box > 10);
    int diff = 0;
    for (int i = 0; i < w * 60; i++)
        diff += (mu[i] >> 24 < 0x80) != (box[i] >> 24 < 0x80);
    fprintf(stderr, "µ: %d ink pixels, the empty box: %d, %d differ\n", n_mu, n_box, diff);
    assert_true(diff > 20);
    free(mu);
    free(box);
    vw_backend_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_drawn_character_has_a_glyph),
        cmocka_unit_test(runs_split_by_face),
        cmocka_unit_test(measures_as_sdl_ttf),
        cmocka_unit_test(outlines_in_thousandths_of_an_em),
        cmocka_unit_test(sdl_draws_the_fallback_glyph),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
