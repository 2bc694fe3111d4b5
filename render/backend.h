/* backend.h — what the SDL backend offers, in plain C types (no SDL here):
 * a window or an off-screen software surface, drawing a command list,
 * window events as vw_input, and saving what was drawn as PNG. */
#ifndef VW_BACKEND_H
#define VW_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "render/app.h"
#include "render/draw.h"

typedef struct vw_backend vw_backend;

/* headless: renders into memory, needs no display */
vw_backend *vw_backend_offscreen(int w, int h, char *err, size_t errlen);
vw_backend *vw_backend_window(int w, int h, int fullscreen, char *err, size_t errlen);
void vw_backend_free(vw_backend *b);

/* Points d's text measuring at the backend's fonts; lecture picks the large set. */
void vw_backend_bind(vw_backend *b, vw_draw *d, int lecture);
void vw_backend_render(vw_backend *b, const vw_draw *d);
void vw_backend_present(vw_backend *b);
int  vw_backend_save_png(vw_backend *b, const char *path, char *err, size_t errlen);
/* the same PNG into an open stream (standard output, say) */
int  vw_backend_write_png(vw_backend *b, FILE *f, char *err, size_t errlen);
/* the last frame as 0xRRGGBBAA pixels, row-major; caller frees */
uint32_t *vw_backend_pixels(vw_backend *b, int *w, int *h);

int    vw_backend_poll(vw_backend *b, vw_input *in); /* 1 when an input was returned */
void   vw_backend_fullscreen(vw_backend *b, int on);
void   vw_backend_size(vw_backend *b, int *w, int *h);
double vw_backend_seconds(void);
void   vw_backend_sleep_ms(int ms);

/* the main font file shipped in assets/fonts (SOCKSCOPE_ASSETS overrides) */
const char *vw_font_path(void);

#endif
