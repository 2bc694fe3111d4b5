/* backend_sdl.c — the only file that includes SDL: turns draw commands into
 * SDL_Renderer calls (window or software surface), text through SDL_ttf
 * with a small texture cache, window events into vw_input, and pixels
 * into PNG through libpng. Text is split into runs by the font that has
 * the glyphs (fontset.h): NanumSquare, else DejaVu Sans for symbols. */
#include "render/assets.h"
#include "render/backend.h"
#include "render/fontset.h"

#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_ttf.h>

#define TEXT_CACHE 1024

typedef struct text_entry {
    uint64_t hash;
    SDL_Texture *tex;
    int w, h, dy; /* dy: where the texture's top is, from the text box's */
} text_entry;

struct vw_backend {
    SDL_Window *win;
    SDL_Surface *surf;      /* off-screen target */
    SDL_Renderer *ren;
    TTF_Font *font[2][VW_NFONTS][VW_NFACES];
    vw_fontset *fs;         /* which face draws which character */
    int set;                /* 0 normal, 1 lecture */
    text_entry cache[TEXT_CACHE];
    int ncache;
    int w, h;
    SDL_Rect windowed;      /* where the window was before full screen */
    void *font_data[VW_NFACES]; /* the font files, read once: glyphs load from memory */
};

const char *vw_font_path(void)
{
    static char path[1024];
    return vw_asset_path(VW_FONT_MAIN_FILE, path, sizeof path);
}

static int open_fonts(vw_backend *b, char *err, size_t errlen)
{
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "SDL_ttf failed to start: %s", TTF_GetError());
        return -1;
    }
    b->fs = vw_fontset_open(err, errlen);
    if (!b->fs)
        return -1;
    static const char *const files[VW_NFACES] = {VW_FONT_MAIN_FILE, VW_FONT_FALLBACK_FILE};
    for (int face = 0; face < VW_NFACES; face++) {
        char path[1024];
        vw_asset_path(files[face], path, sizeof path); /* found: the fontset opened it */
        /* SDL_ttf keeps few glyphs and Hangul has many: they are loaded again
         * and again, and from memory that costs no system calls */
        size_t size = 0;
        b->font_data[face] = SDL_LoadFile(path, &size);
        for (int s = 0; s < 2; s++)
            for (int f = 0; f < VW_NFONTS; f++) {
                b->font[s][f][face] = b->font_data[face]
                                          ? TTF_OpenFontRW(SDL_RWFromConstMem(b->font_data[face], (int)size), 1,
                                                           vw_font_px[s][f])
                                          : TTF_OpenFont(path, vw_font_px[s][f]);
                if (!b->font[s][f][face]) {
                    snprintf(err, errlen, "cannot open the font %s: %s", path, TTF_GetError());
                    return -1;
                }
            }
    }
    return 0;
}

static vw_backend *alloc_backend(int w, int h)
{
    vw_backend *b = calloc(1, sizeof *b);
    if (b) {
        b->w = w;
        b->h = h;
    }
    return b;
}

vw_backend *vw_backend_offscreen(int w, int h, char *err, size_t errlen)
{
    vw_backend *b = alloc_backend(w, h);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    SDL_Init(0);
    b->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
    b->ren = b->surf ? SDL_CreateSoftwareRenderer(b->surf) : NULL;
    if (!b->ren) {
        snprintf(err, errlen, "cannot create an off-screen %dx%d surface: %s", w, h, SDL_GetError());
        vw_backend_free(b);
        return NULL;
    }
    SDL_SetRenderDrawBlendMode(b->ren, SDL_BLENDMODE_BLEND);
    if (open_fonts(b, err, errlen) != 0) {
        vw_backend_free(b);
        return NULL;
    }
    return b;
}

vw_backend *vw_backend_window(int w, int h, int fullscreen, char *err, size_t errlen)
{
    vw_backend *b = alloc_backend(w, h);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, errlen, "cannot open a window (no display?): %s; --screenshot works without one", SDL_GetError());
        vw_backend_free(b);
        return NULL;
    }
    b->win = SDL_CreateWindow("sockscope view", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
                                  (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0));
    b->ren = b->win ? SDL_CreateRenderer(b->win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (b->win && !b->ren)
        b->ren = SDL_CreateRenderer(b->win, -1, SDL_RENDERER_SOFTWARE);
    if (!b->ren) {
        snprintf(err, errlen, "cannot open a window: %s", SDL_GetError());
        vw_backend_free(b);
        return NULL;
    }
    SDL_SetRenderDrawBlendMode(b->ren, SDL_BLENDMODE_BLEND);
    SDL_GetRendererOutputSize(b->ren, &b->w, &b->h);
    if (open_fonts(b, err, errlen) != 0) {
        vw_backend_free(b);
        return NULL;
    }
    return b;
}

static void cache_clear(vw_backend *b)
{
    for (int i = 0; i < TEXT_CACHE; i++) {
        if (b->cache[i].tex)
            SDL_DestroyTexture(b->cache[i].tex);
        b->cache[i].tex = NULL;
    }
    b->ncache = 0;
}

void vw_backend_free(vw_backend *b)
{
    if (!b)
        return;
    cache_clear(b);
    for (int s = 0; s < 2; s++)
        for (int f = 0; f < VW_NFONTS; f++)
            for (int face = 0; face < VW_NFACES; face++)
                if (b->font[s][f][face])
                    TTF_CloseFont(b->font[s][f][face]);
    vw_fontset_free(b->fs);
    for (int face = 0; face < VW_NFACES; face++)
        SDL_free(b->font_data[face]);
    if (b->ren) SDL_DestroyRenderer(b->ren);
    if (b->surf) SDL_FreeSurface(b->surf);
    if (b->win) {
        SDL_DestroyWindow(b->win);
        SDL_Quit(); /* lets SDL release what the video subsystem holds */
    }
    free(b);
}

/* Calls fn for each run of s that one face draws, with the run as a string. */
static int each_run(vw_backend *b, const char *s, int (*fn)(void *ud, int face, const char *run), void *ud)
{
    char small[512];
    int face, rc = 0;
    for (size_t len; rc == 0 && (len = vw_fontset_run(b->fs, s, &face)) > 0; s += len) {
        char *run = len < sizeof small ? small : malloc(len + 1);
        if (!run)
            return -1;
        memcpy(run, s, len);
        run[len] = 0;
        rc = fn(ud, face, run);
        if (run != small)
            free(run);
    }
    return rc;
}

typedef struct size_ctx {
    vw_backend *b;
    vw_font f;
    int w, h;
} size_ctx;

static int size_run(void *ud, int face, const char *run)
{
    size_ctx *c = ud;
    int w, h;
    if (TTF_SizeUTF8(c->b->font[c->b->set][c->f][face], run, &w, &h) != 0)
        return -1;
    c->w += w;
    c->h = h > c->h ? h : c->h;
    return 0;
}

/* runs side by side, each as wide as SDL_ttf makes it (fontset.c mirrors this) */
static int measure(void *ud, vw_font f, const char *s, int *w, int *h)
{
    vw_backend *b = ud;
    size_ctx c = {b, f, 0, 0};
    if (!*s) {
        *w = 0;
        *h = TTF_FontLineSkip(b->font[b->set][f][VW_FACE_MAIN]);
        return 0;
    }
    int rc = each_run(b, s, size_run, &c);
    *w = c.w;
    *h = c.h;
    return rc;
}

void vw_backend_bind(vw_backend *b, vw_draw *d, int lecture)
{
    if (b->set != (lecture != 0))
        cache_clear(b);
    b->set = lecture != 0;
    d->measure = measure;
    d->measure_ud = b;
    memcpy(d->font_px, vw_font_px[b->set], sizeof d->font_px);
}

/* --- drawing -------------------------------------------------------------- */
static void set_color(SDL_Renderer *r, vw_rgba c)
{
    SDL_SetRenderDrawColor(r, (Uint8)(c >> 24), (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c);
}

static uint64_t text_hash(const char *s, int font, vw_rgba c)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)font << 32) ^ c;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

typedef struct run_surface {
    SDL_Surface *s;
    int dy; /* top, from the text box's: baselines meet the main font's */
} run_surface;

typedef struct render_ctx {
    vw_backend *b;
    const vw_cmd *c;
    run_surface *run;
    int n, cap;
} render_ctx;

static int render_run(void *ud, int face, const char *text)
{
    render_ctx *x = ud;
    const vw_cmd *c = x->c;
    TTF_Font *font = x->b->font[x->b->set][c->font][face], *main = x->b->font[x->b->set][c->font][VW_FACE_MAIN];
    if (x->n == x->cap) {
        run_surface *nr = realloc(x->run, (size_t)(x->cap + 4) * sizeof *nr);
        if (!nr)
            return -1;
        x->run = nr;
        x->cap += 4;
    }
    SDL_Color col = {(Uint8)(c->color >> 24), (Uint8)(c->color >> 16), (Uint8)(c->color >> 8), (Uint8)c->color};
    SDL_Surface *s = TTF_RenderUTF8_Blended(font, text, col);
    if (!s)
        return -1;
    x->run[x->n++] = (run_surface){s, TTF_FontAscent(main) - TTF_FontAscent(font)};
    return 0;
}

/* The string's runs side by side on one transparent surface; *dy is its
 * top, from the text box's. One run (nearly always) is SDL_ttf's own. */
static SDL_Surface *render_text(vw_backend *b, const vw_cmd *c, const char *s, int *dy)
{
    render_ctx x = {b, c, NULL, 0, 0};
    SDL_Surface *out = NULL;
    int ok = each_run(b, s, render_run, &x) == 0;
    if (ok && x.n == 1) {
        out = x.run[0].s;
        *dy = x.run[0].dy;
        x.run[0].s = NULL;
    } else if (ok && x.n > 1) {
        int w = 0, top = 0, bottom = 0;
        for (int i = 0; i < x.n; i++) {
            w += x.run[i].s->w;
            top = x.run[i].dy < top ? x.run[i].dy : top;
            bottom = x.run[i].dy + x.run[i].s->h > bottom ? x.run[i].dy + x.run[i].s->h : bottom;
        }
        out = SDL_CreateRGBSurfaceWithFormat(0, w, bottom - top, 32, SDL_PIXELFORMAT_ARGB8888);
        for (int i = 0, left = 0; out && i < x.n; left += x.run[i++].s->w) {
            SDL_Rect to = {left, x.run[i].dy - top, x.run[i].s->w, x.run[i].s->h};
            SDL_SetSurfaceBlendMode(x.run[i].s, SDL_BLENDMODE_NONE); /* copy: runs do not overlap */
            SDL_BlitSurface(x.run[i].s, NULL, out, &to);
        }
        *dy = top;
    }
    for (int i = 0; i < x.n; i++)
        SDL_FreeSurface(x.run[i].s);
    free(x.run);
    return out;
}

static text_entry *text_texture(vw_backend *b, const vw_cmd *c, const char *s)
{
    uint64_t h = text_hash(s, c->font, c->color);
    size_t slot = h % TEXT_CACHE;
    for (size_t k = 0; k < 8; k++) {
        text_entry *e = &b->cache[(slot + k) % TEXT_CACHE];
        if (e->tex && e->hash == h)
            return e;
    }
    if (b->ncache > TEXT_CACHE * 3 / 4)
        cache_clear(b); /* crude but bounded: labels change slowly */
    int dy;
    SDL_Surface *surf = render_text(b, c, s, &dy);
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(b->ren, surf);
    text_entry *e = NULL;
    for (size_t k = 0; k < 8 && tex; k++) {
        text_entry *cand = &b->cache[(slot + k) % TEXT_CACHE];
        if (!cand->tex) {
            e = cand;
            break;
        }
    }
    if (!e) {
        e = &b->cache[slot];
        if (e->tex) SDL_DestroyTexture(e->tex);
        else b->ncache++;
    } else {
        b->ncache++;
    }
    *e = (text_entry){h, tex, surf->w, surf->h, dy};
    SDL_FreeSurface(surf);
    return tex ? e : NULL;
}

static void draw_arrow_head(SDL_Renderer *r, const vw_cmd *c)
{
    float x1 = (float)(c->x + c->w), y1 = (float)(c->y + c->h);
    float len = SDL_sqrtf((float)(c->w * c->w + c->h * c->h));
    if (len < 1)
        return;
    float ux = c->w / len, uy = c->h / len, s = 5.0f + c->thick * 2.0f;
    SDL_Color col = {(Uint8)(c->color >> 24), (Uint8)(c->color >> 16), (Uint8)(c->color >> 8), (Uint8)c->color};
    SDL_Vertex v[3] = {{{x1, y1}, col, {0, 0}},
                       {{x1 - ux * s - uy * s * 0.6f, y1 - uy * s + ux * s * 0.6f}, col, {0, 0}},
                       {{x1 - ux * s + uy * s * 0.6f, y1 - uy * s - ux * s * 0.6f}, col, {0, 0}}};
    SDL_RenderGeometry(r, NULL, v, 3, NULL, 0);
}

static void draw_line(SDL_Renderer *r, const vw_cmd *c)
{
    int vertical = abs(c->h) >= abs(c->w);
    for (int k = 0; k < c->thick; k++) {
        int o = k - c->thick / 2;
        if (vertical)
            SDL_RenderDrawLine(r, c->x + o, c->y, c->x + c->w + o, c->y + c->h);
        else
            SDL_RenderDrawLine(r, c->x, c->y + o, c->x + c->w, c->y + c->h + o);
    }
}

static void draw_cmd(vw_backend *b, const vw_draw *d, const vw_cmd *c)
{
    SDL_Renderer *r = b->ren;
    switch (c->kind) {
    case VW_CMD_RECT: {
        SDL_Rect q = {c->x, c->y, c->w, c->h};
        set_color(r, c->color);
        SDL_RenderFillRect(r, &q);
        break;
    }
    case VW_CMD_FRAME:
        set_color(r, c->color);
        for (int k = 0; k < c->thick; k++) {
            SDL_Rect q = {c->x + k, c->y + k, c->w - 2 * k, c->h - 2 * k};
            SDL_RenderDrawRect(r, &q);
        }
        break;
    case VW_CMD_LINE:
    case VW_CMD_ARROW:
        set_color(r, c->color);
        draw_line(r, c);
        if (c->kind == VW_CMD_ARROW)
            draw_arrow_head(r, c);
        break;
    case VW_CMD_TEXT: {
        text_entry *e = text_texture(b, c, vw_cmd_text(d, c));
        if (e) {
            SDL_Rect q = {c->x, c->y + e->dy, e->w, e->h};
            SDL_RenderCopy(r, e->tex, NULL, &q);
        }
        break;
    }
    }
}

void vw_backend_render(vw_backend *b, const vw_draw *d)
{
    SDL_SetRenderDrawColor(b->ren, 255, 255, 255, 255);
    SDL_RenderClear(b->ren);
    for (size_t i = 0; i < d->n; i++)
        draw_cmd(b, d, &d->cmd[i]);
}

void vw_backend_present(vw_backend *b)
{
    if (b->win)
        SDL_RenderPresent(b->ren);
}

uint32_t *vw_backend_pixels(vw_backend *b, int *w, int *h)
{
    int W = b->w, H = b->h;
    if (b->win)
        SDL_GetRendererOutputSize(b->ren, &W, &H);
    uint32_t *px = malloc((size_t)W * (size_t)H * 4);
    if (!px)
        return NULL;
    /* RGBA32 is byte order R,G,B,A: repack to 0xRRGGBBAA words */
    if (SDL_RenderReadPixels(b->ren, NULL, SDL_PIXELFORMAT_RGBA32, px, W * 4) != 0) {
        free(px);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)W * (size_t)H; i++) {
        const uint8_t *p = (const uint8_t *)&px[i];
        px[i] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
    *w = W;
    *h = H;
    return px;
}

int vw_backend_write_png(vw_backend *b, FILE *f, char *err, size_t errlen)
{
    int w, h;
    uint32_t *px = vw_backend_pixels(b, &w, &h);
    if (!px) {
        snprintf(err, errlen, "cannot read the frame back: %s", SDL_GetError());
        return -1;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGBA;
    /* back to byte order for libpng */
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        uint32_t v = px[i];
        uint8_t *p = (uint8_t *)&px[i];
        p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
    }
    int ok = png_image_write_to_stdio(&img, f, 0, px, w * 4, NULL);
    free(px);
    if (!ok || fflush(f) != 0) {
        snprintf(err, errlen, "writing the PNG failed: %s", ok ? strerror(errno) : img.message);
        return -1;
    }
    return 0;
}

int vw_backend_save_png(vw_backend *b, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    int rc = vw_backend_write_png(b, f, err, errlen);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        remove(path); /* no half picture left behind */
    return rc;
}

/* --- window events ---------------------------------------------------------- */
static int map_key(SDL_Keycode k, vw_input *in)
{
    static const struct { SDL_Keycode sdl; vw_key key; } keys[] = {
        {SDLK_SPACE, VW_KEY_SPACE}, {SDLK_LEFT, VW_KEY_LEFT}, {SDLK_RIGHT, VW_KEY_RIGHT}, {SDLK_UP, VW_KEY_UP},
        {SDLK_DOWN, VW_KEY_DOWN}, {SDLK_HOME, VW_KEY_HOME}, {SDLK_END, VW_KEY_END}, {SDLK_PLUS, VW_KEY_PLUS},
        {SDLK_EQUALS, VW_KEY_PLUS}, {SDLK_KP_PLUS, VW_KEY_PLUS}, {SDLK_MINUS, VW_KEY_MINUS}, {SDLK_KP_MINUS, VW_KEY_MINUS},
        {SDLK_ESCAPE, VW_KEY_ESCAPE}, {SDLK_TAB, VW_KEY_TAB}, {SDLK_DELETE, VW_KEY_DELETE}, {SDLK_RETURN, VW_KEY_RETURN},
        {SDLK_PAGEUP, VW_KEY_PAGEUP}, {SDLK_PAGEDOWN, VW_KEY_PAGEDOWN}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].sdl == k) {
            in->key = keys[i].key;
            return 1;
        }
    if (k >= SDLK_a && k <= SDLK_z) {
        in->key = VW_KEY_CHAR;
        in->ch = 'a' + (int)(k - SDLK_a);
        return 1;
    }
    return 0;
}

/* window coordinates -> renderer pixels (they differ on high-DPI screens) */
static void scale_xy(vw_backend *b, int *x, int *y)
{
    int ww, wh;
    SDL_GetWindowSize(b->win, &ww, &wh);
    if (ww > 0 && wh > 0) {
        *x = *x * b->w / ww;
        *y = *y * b->h / wh;
    }
}

int vw_backend_poll(vw_backend *b, vw_input *in)
{
    SDL_Event e;
    while (b->win && SDL_PollEvent(&e)) {
        memset(in, 0, sizeof *in);
        switch (e.type) {
        case SDL_QUIT: in->kind = VW_IN_QUIT; return 1;
        case SDL_KEYDOWN:
            in->kind = VW_IN_KEY;
            in->shift = (e.key.keysym.mod & KMOD_SHIFT) != 0;
            if (map_key(e.key.keysym.sym, in)) return 1;
            break;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP:
            in->kind = e.type == SDL_MOUSEBUTTONDOWN ? VW_IN_DOWN : VW_IN_UP;
            in->x = e.button.x, in->y = e.button.y, in->button = e.button.button;
            scale_xy(b, &in->x, &in->y);
            return 1;
        case SDL_MOUSEMOTION:
            in->kind = VW_IN_MOVE;
            in->x = e.motion.x, in->y = e.motion.y;
            scale_xy(b, &in->x, &in->y);
            return 1;
        case SDL_MOUSEWHEEL: {
            in->kind = VW_IN_WHEEL;
            in->wheel = e.wheel.y;
            in->shift = (SDL_GetModState() & KMOD_SHIFT) != 0;
            SDL_GetMouseState(&in->x, &in->y);
            scale_xy(b, &in->x, &in->y);
            return 1;
        }
        case SDL_WINDOWEVENT:
            if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
                SDL_GetRendererOutputSize(b->ren, &b->w, &b->h);
                in->kind = VW_IN_RESIZE;
                in->x = b->w, in->y = b->h;
                return 1;
            }
            break;
        default: break;
        }
    }
    return 0;
}

/* Full screen as the desktop's size. The window is also moved and sized by
 * hand, both ways: without a window manager (Xvfb, kiosks) X11 ignores the
 * full-screen request while SDL believes the window grew, so frames were laid
 * out for a size the window never had and their top rows fell off screen. */
void vw_backend_fullscreen(vw_backend *b, int on)
{
    if (!b->win)
        return;
    int full = (SDL_GetWindowFlags(b->win) & SDL_WINDOW_FULLSCREEN_DESKTOP) != 0;
    SDL_Rect disp;
    if (on && !full) {
        SDL_GetWindowPosition(b->win, &b->windowed.x, &b->windowed.y);
        SDL_GetWindowSize(b->win, &b->windowed.w, &b->windowed.h);
        if (SDL_GetDisplayBounds(SDL_GetWindowDisplayIndex(b->win), &disp) == 0) {
            SDL_SetWindowPosition(b->win, disp.x, disp.y);
            SDL_SetWindowSize(b->win, disp.w, disp.h);
        }
        SDL_SetWindowFullscreen(b->win, SDL_WINDOW_FULLSCREEN_DESKTOP);
    } else if (!on && full) {
        SDL_SetWindowFullscreen(b->win, 0);
        if (b->windowed.w > 0) {
            SDL_SetWindowSize(b->win, b->windowed.w, b->windowed.h);
            SDL_SetWindowPosition(b->win, b->windowed.x, b->windowed.y);
        }
    }
    SDL_GetRendererOutputSize(b->ren, &b->w, &b->h);
}

void vw_backend_size(vw_backend *b, int *w, int *h)
{
    *w = b->w;
    *h = b->h;
}

double vw_backend_seconds(void) { return (double)SDL_GetPerformanceCounter() / (double)SDL_GetPerformanceFrequency(); }
void   vw_backend_sleep_ms(int ms) { SDL_Delay((Uint32)ms); }
