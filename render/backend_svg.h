/* backend_svg.h — the draw-command list as SVG (slides, papers). */
#ifndef VW_BACKEND_SVG_H
#define VW_BACKEND_SVG_H

#include <stdio.h>

#include "render/draw.h"

/* Returns 0, or -1 if writing failed. */
int vw_svg_write(FILE *f, const vw_draw *d, int w, int h);

#endif
