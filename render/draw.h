/* draw.h — the draw-command list (microui style): plain C builds a frame
 * as rectangles, lines, arrows and text; a backend (SDL, SVG) turns the
 * list into pixels or vector graphics. No SDL here. */
#ifndef VW_DRAW_H
#define VW_DRAW_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t vw_rgba; /* 0xRRGGBBAA */
#define VW_RGB(r, g, b) ((vw_rgba)(((uint32_t)(r) << 24) | ((uint32_t)(g) << 16) | ((uint32_t)(b) << 8) | 0xffu))
#define VW_RGBA(r, g, b, a) ((vw_rgba)(((uint32_t)(r) << 24) | ((uint32_t)(g) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(a)))

typedef enum vw_cmd_kind { VW_CMD_RECT, VW_CMD_FRAME, VW_CMD_LINE, VW_CMD_ARROW, VW_CMD_TEXT } vw_cmd_kind;
typedef enum vw_font { VW_FONT_SMALL, VW_FONT_NORMAL, VW_FONT_LARGE, VW_FONT_TITLE, VW_NFONTS } vw_font;
enum { VW_ALIGN_LEFT = 0, VW_ALIGN_CENTER = 1, VW_ALIGN_RIGHT = 2 };

typedef struct vw_cmd {
    uint8_t kind, font, align, thick;
    vw_rgba color;
    int x, y, w, h;     /* RECT/FRAME/TEXT: box (text: x,y top-left or anchor); LINE/ARROW: x,y -> x+w,y+h */
    uint32_t text;      /* TEXT: offset in the list's text arena */
} vw_cmd;

/* Text measuring is the backend's business (a real font, or an estimate). */
typedef int (*vw_measure_fn)(void *ud, vw_font font, const char *utf8, int *w, int *h);

typedef struct vw_draw {
    vw_cmd *cmd;
    size_t n, cap;
    char *text;
    size_t tlen, tcap;
    int oom;
    vw_measure_fn measure;
    void *measure_ud;
    int font_px[VW_NFONTS]; /* pixel sizes the backend uses for each font */
    struct vw_measure_cache *mcache; /* widths already measured (draw.c) */
} vw_draw;

void vw_draw_init(vw_draw *d, vw_measure_fn measure, void *ud, const int font_px[VW_NFONTS]);
void vw_draw_reset(vw_draw *d);
void vw_draw_free(vw_draw *d);

void vw_fill(vw_draw *d, int x, int y, int w, int h, vw_rgba c);
void vw_frame(vw_draw *d, int x, int y, int w, int h, vw_rgba c, int thick);
void vw_line(vw_draw *d, int x0, int y0, int x1, int y1, vw_rgba c, int thick);
void vw_arrow(vw_draw *d, int x0, int y0, int x1, int y1, vw_rgba c, int thick);
/* Returns the width drawn. */
int  vw_text(vw_draw *d, int x, int y, vw_font f, vw_rgba c, int align, const char *utf8);
int  vw_text_w(vw_draw *d, vw_font f, const char *utf8);
/* Left-aligned text cut to max_w pixels, ending in an ellipsis when cut. */
int  vw_text_fit(vw_draw *d, int x, int y, vw_font f, vw_rgba c, const char *utf8, int max_w);
/* The same, aligned (VW_ALIGN_*) within the box [x, x + max_w). */
int  vw_text_fit_in(vw_draw *d, int x, int y, vw_font f, vw_rgba c, const char *utf8, int max_w, int align);
int  vw_text_h(vw_draw *d, vw_font f);
const char *vw_cmd_text(const vw_draw *d, const vw_cmd *c);

/* An estimate for when no font is loaded (tests, SVG without SDL_ttf):
 * Latin ~0.55 em, Hangul and other wide characters ~1 em. */
int vw_measure_estimate(void *ud, vw_font font, const char *utf8, int *w, int *h);
/* Wraps utf8 into lines no wider than max_w; calls line() for each; returns the line count. */
int vw_wrap(vw_draw *d, vw_font f, const char *utf8, int max_w,
            void (*line)(void *ud, const char *s, size_t n), void *ud);

#endif
