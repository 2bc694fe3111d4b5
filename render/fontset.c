/* fontset.c — FreeType + HarfBuzz, set up as SDL_ttf 2.20 sets them up
 * (TTF_OpenFont, TTF_Size_Internal in its HarfBuzz build): a face per
 * pixel size at 72 dpi, normal hinting, hb_ft with the same load flags,
 * left-to-right with no script, and the same box arithmetic. The test
 * test_vw_fonts holds this file to SDL_ttf's own numbers. */
#include "render/fontset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <hb-ft.h>
#include <hb.h>

#include "render/assets.h"

const int vw_font_px[2][VW_NFONTS] = {{12, 14, 18, 24}, {17, 21, 28, 34}};

#define FLOOR26(x) ((int)(((x) & -64) / 64))
#define CEIL26(x) FLOOR26((x) + 63)
#define MAX_SIZES 32      /* (face, px) pairs: 2 faces x 8 sizes in use */
#define MEASURE_CACHE 4096

typedef struct glyph_box { /* SDL_ttf's c_glyph sz_* fields */
    uint32_t gid;
    int used, left, top, width, rows;
} glyph_box;

typedef struct sized {
    int face, px;
    FT_Face ft;
    hb_font_t *hb;
    int ascent, height, lineskip;
    glyph_box *box;   /* open addressing on gid */
    size_t nbox, capbox;
} sized;

typedef struct measured {
    char *s;
    int px, w, h;
} measured;

struct vw_fontset {
    FT_Library lib;
    unsigned char *data[VW_NFACES];
    long len[VW_NFACES];
    FT_Face outline[VW_NFACES]; /* unsized: coverage and outlines */
    sized size[MAX_SIZES];
    int nsize;
    int lecture;                /* vw_fontset_bind's choice of sizes */
    measured cache[MEASURE_CACHE];
};

static const char *const face_file[VW_NFACES] = {VW_FONT_MAIN_FILE, VW_FONT_FALLBACK_FILE};

/* --- opening ------------------------------------------------------------------ */
static unsigned char *read_file(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)*len);
        if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* SDL_ttf's choice: a UCS-4 cmap, else any Unicode one */
static void pick_charmap(FT_Face f)
{
    FT_CharMap found = NULL;
    for (int i = 0; i < f->num_charmaps && !found; i++)
        if (f->charmaps[i]->platform_id == 3 && f->charmaps[i]->encoding_id == 10)
            found = f->charmaps[i];
    for (int i = 0; i < f->num_charmaps && !found; i++) {
        int p = f->charmaps[i]->platform_id, e = f->charmaps[i]->encoding_id;
        if ((p == 3 && (e == 1 || e == 0)) || (p == 2 && e == 1) || p == 0)
            found = f->charmaps[i];
    }
    if (found)
        FT_Set_Charmap(f, found);
}

static FT_Face new_face(vw_fontset *fs, int face)
{
    FT_Face f = NULL;
    if (FT_New_Memory_Face(fs->lib, fs->data[face], fs->len[face], 0, &f) != 0)
        return NULL;
    pick_charmap(f);
    return f;
}

vw_fontset *vw_fontset_open(char *err, size_t errlen)
{
    vw_fontset *fs = calloc(1, sizeof *fs);
    if (!fs || FT_Init_FreeType(&fs->lib) != 0) {
        snprintf(err, errlen, "cannot start FreeType");
        free(fs);
        return NULL;
    }
    for (int i = 0; i < VW_NFACES; i++) {
        char path[1024];
        const char *p = vw_asset_path(face_file[i], path, sizeof path);
        fs->data[i] = p ? read_file(p, &fs->len[i]) : NULL;
        fs->outline[i] = fs->data[i] ? new_face(fs, i) : NULL;
        if (!fs->outline[i]) {
            snprintf(err, errlen, "the font %s %s (set SOCKSCOPE_ASSETS to the assets/ directory)", face_file[i],
                     p ? "cannot be read" : "was not found");
            vw_fontset_free(fs);
            return NULL;
        }
    }
    return fs;
}

void vw_fontset_free(vw_fontset *fs)
{
    if (!fs)
        return;
    for (int i = 0; i < fs->nsize; i++) {
        hb_font_destroy(fs->size[i].hb);
        FT_Done_Face(fs->size[i].ft);
        free(fs->size[i].box);
    }
    for (int i = 0; i < MEASURE_CACHE; i++)
        free(fs->cache[i].s);
    for (int i = 0; i < VW_NFACES; i++) {
        if (fs->outline[i])
            FT_Done_Face(fs->outline[i]);
        free(fs->data[i]);
    }
    FT_Done_FreeType(fs->lib);
    free(fs);
}

/* TTF_OpenFont(file, px): FT_Set_Char_Size at 72 dpi, metrics rounded up */
static sized *get_size(vw_fontset *fs, int face, int px)
{
    for (int i = 0; i < fs->nsize; i++)
        if (fs->size[i].face == face && fs->size[i].px == px)
            return &fs->size[i];
    if (fs->nsize == MAX_SIZES)
        return NULL;
    FT_Face f = new_face(fs, face);
    if (!f || FT_Set_Char_Size(f, 0, px * 64, 0, 0) != 0) {
        if (f)
            FT_Done_Face(f);
        return NULL;
    }
    hb_font_t *hb = hb_ft_font_create(f, NULL);
    /* as SDL_ttf: hinted advances, or they would not match the raster */
    hb_ft_font_set_load_flags(hb, FT_LOAD_DEFAULT | FT_LOAD_TARGET_NORMAL);
    FT_Fixed scale = f->size->metrics.y_scale;
    sized *s = &fs->size[fs->nsize++];
    *s = (sized){.face = face, .px = px, .ft = f, .hb = hb};
    s->ascent = CEIL26(FT_MulFix(f->ascender, scale));
    s->height = CEIL26(FT_MulFix(f->ascender - f->descender, scale));
    s->lineskip = CEIL26(FT_MulFix(f->height, scale));
    return s;
}

/* --- coverage ----------------------------------------------------------------- */
uint32_t vw_utf8_next(const char **sp)
{
    const unsigned char *s = (const unsigned char *)*sp;
    uint32_t c = s[0];
    int n = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    if (n < 0) {
        *sp += 1;
        return 0xfffd;
    }
    c = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *sp += i;
            return 0xfffd;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    *sp += n + 1;
    return c;
}

int vw_fontset_has(const vw_fontset *fs, int face, uint32_t cp)
{
    return FT_Get_Char_Index(fs->outline[face], cp) != 0;
}

int vw_fontset_face(const vw_fontset *fs, uint32_t cp)
{
    if (vw_fontset_has(fs, VW_FACE_MAIN, cp))
        return VW_FACE_MAIN;
    return vw_fontset_has(fs, VW_FACE_FALLBACK, cp) ? VW_FACE_FALLBACK : VW_FACE_MAIN;
}

size_t vw_fontset_run(const vw_fontset *fs, const char *s, int *face)
{
    const char *p = s;
    if (!*p)
        return 0;
    *face = vw_fontset_face(fs, vw_utf8_next(&p));
    for (const char *q = p; *q; p = q)
        if (vw_fontset_face(fs, vw_utf8_next(&q)) != *face)
            break;
    return (size_t)(p - s);
}

/* --- shaping ------------------------------------------------------------------ */
static size_t box_slot(const glyph_box *box, size_t cap, uint32_t gid)
{
    size_t k = gid % cap;
    while (box[k].used && box[k].gid != gid)
        k = (k + 1) % cap;
    return k;
}

static int box_grow(sized *s)
{
    size_t cap = s->capbox ? s->capbox * 2 : 256;
    glyph_box *nb = calloc(cap, sizeof *nb);
    if (!nb)
        return -1;
    for (size_t i = 0; i < s->capbox; i++)
        if (s->box[i].used)
            nb[box_slot(nb, cap, s->box[i].gid)] = s->box[i];
    free(s->box);
    s->box = nb;
    s->capbox = cap;
    return 0;
}

/* SDL_ttf's glyph box: the bitmap's when FreeType set one, else from the
 * hinted metrics (an outline loaded without rendering has none) */
static int glyph_box_of(sized *s, uint32_t gid, glyph_box *out)
{
    if (s->nbox * 2 >= s->capbox && box_grow(s) != 0)
        return -1;
    size_t k = box_slot(s->box, s->capbox, gid);
    if (s->box[k].used) {
        *out = s->box[k];
        return 0;
    }
    if (FT_Load_Glyph(s->ft, gid, FT_LOAD_DEFAULT | FT_LOAD_TARGET_NORMAL) != 0)
        return -1;
    FT_GlyphSlot g = s->ft->glyph;
    glyph_box b = {gid, 1, g->bitmap_left, g->bitmap_top, (int)g->bitmap.width, (int)g->bitmap.rows};
    if (!b.left && !b.top && !b.width && !b.rows) {
        int minx = FLOOR26(g->metrics.horiBearingX), maxx = CEIL26(g->metrics.horiBearingX + g->metrics.width);
        int maxy = FLOOR26(g->metrics.horiBearingY), miny = maxy - CEIL26(g->metrics.height);
        b.left = minx, b.top = maxy, b.rows = maxy - miny, b.width = maxx - minx;
    }
    s->box[k] = b;
    s->nbox++;
    *out = b;
    return 0;
}

static int push_glyph(vw_shaped *out, vw_glyph g)
{
    if (out->n == out->cap) {
        int cap = out->cap ? out->cap * 2 : 64;
        vw_glyph *ng = realloc(out->g, (size_t)cap * sizeof *ng);
        if (!ng)
            return -1;
        out->g = ng;
        out->cap = cap;
    }
    out->g[out->n++] = g;
    return 0;
}

/* One run in one face, as TTF_Size_Internal lays it out; its glyphs are
 * appended at pen + (x0, y0) and its box width returned in *w. */
static int shape_run(sized *s, const char *text, size_t len, int x0, int y0, vw_shaped *out, int *w, int *h)
{
    hb_buffer_t *buf = hb_buffer_create();
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_UNKNOWN);
    hb_buffer_add_utf8(buf, text, (int)len, 0, (int)len);
    hb_shape(s->hb, buf, NULL, 0);
    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    int x = 0, y = 0, minx = 0, maxx = 0, miny = 0, maxy = s->height, first = out->n, rc = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        glyph_box b;
        int px = x + pos[i].x_offset, py = y + s->ascent * 64 - pos[i].y_offset;
        x += pos[i].x_advance;
        y += pos[i].y_advance;
        if (glyph_box_of(s, info[i].codepoint, &b) != 0) {
            rc = -1;
            break;
        }
        int gx = FLOOR26(px) + b.left, gy = FLOOR26(py) - b.top;
        minx = gx < minx ? gx : minx;
        maxx = gx + b.width > maxx ? gx + b.width : maxx;
        miny = gy < miny ? gy : miny;
        maxy = gy + b.rows > maxy ? gy + b.rows : maxy;
        rc = push_glyph(out, (vw_glyph){(uint8_t)s->face, info[i].codepoint, FLOOR26(px), FLOOR26(py)});
    }
    hb_buffer_destroy(buf);
    maxx = FLOOR26(x) > maxx ? FLOOR26(x) : maxx;
    /* the bitmap starts at the leftmost and topmost ink: shift the pens */
    int xstart = minx < 0 ? -minx : 0, ystart = miny < 0 ? -miny : 0;
    for (int i = first; i < out->n; i++) {
        out->g[i].x += x0 + xstart;
        out->g[i].y += y0 + ystart;
    }
    *w = maxx - minx;
    *h = maxy - miny;
    return rc;
}

int vw_fontset_shape(vw_fontset *fs, int px, const char *s, vw_shaped *out)
{
    out->n = out->w = out->h = 0;
    sized *m = get_size(fs, VW_FACE_MAIN, px);
    if (!m)
        return -1;
    if (!*s) {
        out->h = m->lineskip; /* the SDL backend's answer for "" */
        return 0;
    }
    int face;
    for (size_t len; (len = vw_fontset_run(fs, s, &face)) > 0; s += len) {
        sized *r = get_size(fs, face, px);
        int w, h;
        /* a run's bitmap goes where its baseline meets the main font's */
        if (!r || shape_run(r, s, len, out->w, m->ascent - r->ascent, out, &w, &h) != 0)
            return -1;
        out->w += w;
        out->h = h > out->h ? h : out->h;
    }
    return 0;
}

void vw_shaped_free(vw_shaped *s)
{
    free(s->g);
    memset(s, 0, sizeof *s);
}

static uint64_t str_hash(const char *s, int px)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)px;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int vw_fontset_measure(vw_fontset *fs, int px, const char *s, int *w, int *h)
{
    measured *c = &fs->cache[str_hash(s, px) % MEASURE_CACHE];
    if (c->s && c->px == px && strcmp(c->s, s) == 0) {
        *w = c->w, *h = c->h;
        return 0;
    }
    vw_shaped sh = {0};
    int rc = vw_fontset_shape(fs, px, s, &sh);
    *w = sh.w, *h = sh.h;
    vw_shaped_free(&sh);
    if (rc == 0) {
        free(c->s);
        c->s = strdup(s);
        c->px = px, c->w = *w, c->h = *h;
    }
    return rc;
}

static int measure_cb(void *ud, vw_font f, const char *s, int *w, int *h)
{
    vw_fontset *fs = ud;
    return vw_fontset_measure(fs, vw_font_px[fs->lecture][f], s, w, h);
}

void vw_fontset_bind(vw_fontset *fs, vw_draw *d, int lecture)
{
    fs->lecture = lecture != 0;
    d->measure = measure_cb;
    d->measure_ud = fs;
    memcpy(d->font_px, vw_font_px[fs->lecture], sizeof d->font_px);
}

/* --- outlines ----------------------------------------------------------------- */
typedef struct path_buf {
    char *s;
    size_t n, cap;
    double k; /* font units -> 1/1000 em */
    int open, oom;
} path_buf;

static void put(path_buf *p, char op, int npts, const FT_Vector *const *v)
{
    char tmp[96];
    int len = snprintf(tmp, sizeof tmp, "%c", op);
    for (int i = 0; i < npts; i++)
        len += snprintf(tmp + len, sizeof tmp - (size_t)len, "%s%ld %ld", i ? " " : "", lround(v[i]->x * p->k),
                        lround(-v[i]->y * p->k));
    if (p->n + (size_t)len + 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 512;
        char *ns = realloc(p->s, cap);
        if (!ns) {
            p->oom = 1;
            return;
        }
        p->s = ns;
        p->cap = cap;
    }
    memcpy(p->s + p->n, tmp, (size_t)len + 1);
    p->n += (size_t)len;
}

static int move_to(const FT_Vector *to, void *ud)
{
    path_buf *p = ud;
    if (p->open)
        put(p, 'Z', 0, NULL);
    p->open = 1;
    put(p, 'M', 1, &to);
    return 0;
}

static int line_to(const FT_Vector *to, void *ud)
{
    put(ud, 'L', 1, &to);
    return 0;
}

static int conic_to(const FT_Vector *c, const FT_Vector *to, void *ud)
{
    const FT_Vector *v[2] = {c, to};
    put(ud, 'Q', 2, v);
    return 0;
}

static int cubic_to(const FT_Vector *c1, const FT_Vector *c2, const FT_Vector *to, void *ud)
{
    const FT_Vector *v[3] = {c1, c2, to};
    put(ud, 'C', 3, v);
    return 0;
}

int vw_fontset_outline(vw_fontset *fs, int face, uint32_t gid, char **path, int *advance)
{
    FT_Face f = fs->outline[face];
    if (FT_Load_Glyph(f, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) != 0)
        return -1;
    path_buf p = {.k = 1000.0 / f->units_per_EM};
    static const FT_Outline_Funcs funcs = {move_to, line_to, conic_to, cubic_to, 0, 0};
    if (f->glyph->format == FT_GLYPH_FORMAT_OUTLINE && FT_Outline_Decompose(&f->glyph->outline, &funcs, &p) != 0)
        p.oom = 1;
    if (p.open)
        put(&p, 'Z', 0, NULL);
    if (!p.s && !p.oom)
        p.s = strdup(""); /* a space: no outline, only an advance */
    if (p.oom || !p.s) {
        free(p.s);
        return -1;
    }
    *path = p.s;
    *advance = (int)lround(f->glyph->metrics.horiAdvance * p.k);
    return 0;
}

void vw_fontset_vmetrics(const vw_fontset *fs, int face, int *ascender, int *descender)
{
    FT_Face f = fs->outline[face];
    *ascender = (int)lround(f->ascender * 1000.0 / f->units_per_EM);
    *descender = (int)lround(f->descender * 1000.0 / f->units_per_EM);
}
