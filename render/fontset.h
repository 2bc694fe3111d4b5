/* fontset.h — the fonts sockscope ships, read with FreeType and shaped with
 * HarfBuzz the way SDL_ttf 2.20 does it (same pixel sizes, hinting, kerning
 * and box rules). Text is therefore measured alike for the PNG (drawn by
 * SDL_ttf) and the SVG (written as these fonts' glyph outlines, so that it
 * needs no font where it is viewed). Every character goes to the main font
 * (NanumSquare: Hangul, Latin) when it has a glyph, else to the fallback
 * (DejaVu Sans: µ and other symbols). No SDL here. */
#ifndef VW_FONTSET_H
#define VW_FONTSET_H

#include <stddef.h>
#include <stdint.h>

#include "render/draw.h"

#define VW_FONT_MAIN_FILE "fonts/NanumSquareR.ttf"
#define VW_FONT_FALLBACK_FILE "fonts/DejaVuSans.ttf"
enum { VW_FACE_MAIN, VW_FACE_FALLBACK, VW_NFACES };

/* pixel sizes of the four fonts: [0] the window, [1] lecture mode */
extern const int vw_font_px[2][VW_NFONTS];

typedef struct vw_fontset vw_fontset;

/* Opens both fonts from the assets directory (vw_asset_path). NULL with a
 * message naming the missing file when they cannot be read. */
vw_fontset *vw_fontset_open(char *err, size_t errlen);
void vw_fontset_free(vw_fontset *fs);

/* UTF-8 decoding: the code point at *s, advancing *s (U+FFFD when malformed) */
uint32_t vw_utf8_next(const char **s);

int vw_fontset_has(const vw_fontset *fs, int face, uint32_t cp);
/* The face that draws cp: the main font when it has the glyph, else the
 * fallback when that has it, else the main font (its empty box). */
int vw_fontset_face(const vw_fontset *fs, uint32_t cp);
/* The bytes of s that one face draws, from the start (0 at the end). */
size_t vw_fontset_run(const vw_fontset *fs, const char *s, int *face);

/* One glyph of shaped text: its pen position in whole pixels from the text
 * box's top-left (x along, y the baseline), as SDL_ttf places its bitmap. */
typedef struct vw_glyph {
    uint8_t face;
    uint32_t gid;
    int x, y;
} vw_glyph;

typedef struct vw_shaped {
    vw_glyph *g;
    int n, cap;
    int w, h; /* the box TTF_SizeUTF8 reports, runs side by side */
} vw_shaped;

/* Shapes utf8 at px pixels; 0, or -1 when out of memory. */
int  vw_fontset_shape(vw_fontset *fs, int px, const char *utf8, vw_shaped *out);
void vw_shaped_free(vw_shaped *s);
/* The box of utf8 at px pixels (cached: layout asks for the same strings often). */
int  vw_fontset_measure(vw_fontset *fs, int px, const char *utf8, int *w, int *h);

/* A glyph's outline as SVG path data in 1/1000 em, y down, and its advance
 * in the same units; the caller frees *path. 0, or -1. */
int vw_fontset_outline(vw_fontset *fs, int face, uint32_t gid, char **path, int *advance);
/* The face's ascender and descender (negative below the baseline), 1/1000 em. */
void vw_fontset_vmetrics(const vw_fontset *fs, int face, int *ascender, int *descender);

/* Points d's text measuring at these fonts; lecture picks the large sizes. */
void vw_fontset_bind(vw_fontset *fs, vw_draw *d, int lecture);

#endif
