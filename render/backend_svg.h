/* backend_svg.h — the draw-command list as SVG (slides, papers). */
#ifndef VW_BACKEND_SVG_H
#define VW_BACKEND_SVG_H

#include <stdio.h>

#include "render/draw.h"
#include "render/fontset.h"

/* Text becomes the outlines of fs's glyphs, placed as the PNG places them:
 * the SVG needs no font where it is viewed. Measure d with the same fonts
 * (vw_fontset_bind) so that the layout and the letters agree. Returns 0,
 * or -1 if writing failed or memory ran out. */
int vw_svg_write(FILE *f, const vw_draw *d, int w, int h, vw_fontset *fs);

#endif
