/* backend_svg.c — the draw-command list as SVG. Text is written as the
 * glyph outlines of the fonts the PNG is drawn with (fontset.h): each glyph
 * used is defined once in <defs>, in 1/1000 em with its advance, and every
 * text is a group of <use> placed where SDL_ttf puts the same glyphs. So
 * Hangul shows on a machine without a Korean font (librsvg, for one, ignores
 * @font-face), and the SVG's text takes exactly the room the layout
 * measured. The words stay in each group's aria-label, for search and
 * screen readers. */
#include "render/backend_svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- the glyphs used: a set of (face, glyph id) ------------------------------- */
typedef struct glyph_key {
    uint32_t key;  /* 1 << 31 | face << 24 | gid; 0: an empty slot */
    int inked;     /* has an outline (a space has none and needs no <use>) */
} glyph_key;

typedef struct glyph_set {
    glyph_key *slot;
    size_t n, cap;
} glyph_set;

static uint32_t key_of(int face, uint32_t gid) { return ((uint32_t)face << 24 | gid) | 1u << 31; }

static glyph_key *set_find(glyph_set *s, uint32_t key)
{
    size_t k = (key * 2654435761u) % s->cap;
    while (s->slot[k].key && s->slot[k].key != key)
        k = (k + 1) % s->cap;
    return &s->slot[k];
}

static int set_add(glyph_set *s, uint32_t key)
{
    if (s->n * 2 + 2 >= s->cap) {
        glyph_set ns = {calloc(s->cap * 2, sizeof *ns.slot), 0, s->cap * 2};
        if (!ns.slot)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i].key) {
                *set_find(&ns, s->slot[i].key) = s->slot[i];
                ns.n++;
            }
        free(s->slot);
        *s = ns;
    }
    glyph_key *g = set_find(s, key);
    if (!g->key) {
        g->key = key;
        s->n++;
    }
    return 0;
}

/* --- writing ---------------------------------------------------------------------- */
static void color(FILE *f, const char *attr, vw_rgba c)
{
    fprintf(f, " %s=\"#%06x\"", attr, (unsigned)(c >> 8));
    if ((c & 0xff) != 0xff)
        fprintf(f, " %s-opacity=\"%.3f\"", attr, (c & 0xff) / 255.0);
}

static void text_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20)
                fputc(*s, f);
        }
    }
}

static void arrow_head(FILE *f, const vw_cmd *c)
{
    double x1 = c->x + c->w, y1 = c->y + c->h, len = hypot(c->w, c->h);
    if (len < 1)
        return;
    double ux = c->w / len, uy = c->h / len, s = 5 + c->thick * 2;
    fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"", x1, y1, x1 - ux * s - uy * s * 0.6,
            y1 - uy * s + ux * s * 0.6, x1 - ux * s + uy * s * 0.6, y1 - uy * s - ux * s * 0.6);
    color(f, "fill", c->color);
    fputs("/>\n", f);
}

/* <defs>: each glyph used, grouped by font with the font's vertical metrics */
static int glyph_defs(FILE *f, vw_fontset *fs, glyph_set *set)
{
    static const char *const names[VW_NFACES] = {"font-main", "font-fallback"};
    fputs("<defs>\n", f);
    for (int face = 0; face < VW_NFACES; face++) {
        int asc, desc;
        vw_fontset_vmetrics(fs, face, &asc, &desc);
        fprintf(f, "<g id=\"%s\" data-ascender=\"%d\" data-descender=\"%d\">\n", names[face], asc, desc);
        for (size_t i = 0; i < set->cap; i++) {
            glyph_key *g = &set->slot[i];
            if (!g->key || (int)(g->key >> 24 & 0x7f) != face)
                continue;
            char *path;
            int adv;
            if (vw_fontset_outline(fs, face, g->key & 0xffffff, &path, &adv) != 0)
                return -1;
            g->inked = path[0] != 0;
            if (g->inked)
                fprintf(f, "<path id=\"g%d-%u\" data-adv=\"%d\" d=\"%s\"/>\n", face, g->key & 0xffffff, adv, path);
            free(path);
        }
        fputs("</g>\n", f);
    }
    fputs("</defs>\n", f);
    return 0;
}

/* one text: a group at the text box, scaled to 1/1000 em, a <use> per glyph */
static void text_glyphs(FILE *f, const vw_cmd *c, const char *s, const vw_shaped *sh, int px, glyph_set *set)
{
    if (sh->n == 0)
        return;
    double k = 1000.0 / px;
    int base = sh->g[0].y;
    fputs("<g aria-label=\"", f);
    text_escaped(f, s);
    fputc('"', f);
    color(f, "fill", c->color);
    fprintf(f, " transform=\"translate(%d %d) scale(%g)\">", c->x, c->y + base, px / 1000.0);
    for (int i = 0; i < sh->n; i++) {
        const vw_glyph *g = &sh->g[i];
        if (!set_find(set, key_of(g->face, g->gid))->inked)
            continue;
        fprintf(f, "<use xlink:href=\"#g%d-%u\" x=\"%ld\"", g->face, g->gid, lround(g->x * k));
        if (g->y != base)
            fprintf(f, " y=\"%ld\"", lround((g->y - base) * k));
        fputs("/>", f);
    }
    fputs("</g>\n", f);
}

/* Lines and frames sit on the pixels SDL fills: a line of odd thickness is
 * centred on a pixel's middle, a frame's stroke lies inside its box. */
static void draw_shape(FILE *f, const vw_cmd *c)
{
    double half = c->thick / 2.0, odd = (c->thick % 2) * 0.5;
    switch (c->kind) {
    case VW_CMD_RECT:
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", c->x, c->y, c->w, c->h);
        color(f, "fill", c->color);
        fputs("/>\n", f);
        break;
    case VW_CMD_FRAME:
        fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%d\" height=\"%d\" fill=\"none\" stroke-width=\"%d\"",
                c->x + half, c->y + half, c->w - c->thick, c->h - c->thick, c->thick);
        color(f, "stroke", c->color);
        fputs("/>\n", f);
        break;
    case VW_CMD_LINE:
    case VW_CMD_ARROW: {
        int vertical = abs(c->h) >= abs(c->w);
        double dx = vertical ? odd : 0, dy = vertical ? 0 : odd;
        fprintf(f, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke-width=\"%d\"", c->x + dx, c->y + dy,
                c->x + c->w + dx, c->y + c->h + dy, c->thick);
        color(f, "stroke", c->color);
        fputs("/>\n", f);
        if (c->kind == VW_CMD_ARROW)
            arrow_head(f, c);
        break;
    }
    case VW_CMD_TEXT:
        break;
    }
}

int vw_svg_write(FILE *f, const vw_draw *d, int w, int h, vw_fontset *fs)
{
    /* shape every text first: the glyphs they use are defined before use */
    size_t ntext = 0;
    for (size_t i = 0; i < d->n; i++)
        ntext += d->cmd[i].kind == VW_CMD_TEXT;
    vw_shaped *sh = calloc(ntext ? ntext : 1, sizeof *sh);
    glyph_set set = {calloc(512, sizeof *set.slot), 0, 512};
    int rc = sh && set.slot ? 0 : -1;
    for (size_t i = 0, t = 0; rc == 0 && i < d->n; i++) {
        const vw_cmd *c = &d->cmd[i];
        if (c->kind != VW_CMD_TEXT)
            continue;
        rc = vw_fontset_shape(fs, d->font_px[c->font], vw_cmd_text(d, c), &sh[t]);
        for (int g = 0; rc == 0 && g < sh[t].n; g++)
            rc = set_add(&set, key_of(sh[t].g[g].face, sh[t].g[g].gid));
        t++;
    }
    if (rc == 0) {
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                   "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", w, h, w, h);
        rc = glyph_defs(f, fs, &set);
    }
    for (size_t i = 0, t = 0; rc == 0 && i < d->n; i++) {
        const vw_cmd *c = &d->cmd[i];
        if (c->kind == VW_CMD_TEXT)
            text_glyphs(f, c, vw_cmd_text(d, c), &sh[t++], d->font_px[c->font], &set);
        else
            draw_shape(f, c);
    }
    if (rc == 0)
        fputs("</svg>\n", f);
    for (size_t t = 0; sh && t < ntext; t++)
        vw_shaped_free(&sh[t]);
    free(sh);
    free(set.slot);
    return rc != 0 || ferror(f) ? -1 : 0;
}
