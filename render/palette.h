/* palette.h — colours that read on a projector and for colour-blind
 * viewers: the Okabe-Ito palette on a light background, each category
 * also told apart by lightness and position (waits full height, instants
 * as ticks at the top), not by hue alone. */
#ifndef VW_PALETTE_H
#define VW_PALETTE_H

#include "render/draw.h"

#define VW_C_BG        VW_RGB(0xff, 0xff, 0xff)
#define VW_C_PANEL     VW_RGB(0xf3, 0xf3, 0xf3)
#define VW_C_IDLE      VW_RGB(0xe4, 0xe4, 0xe4)
#define VW_C_ALIVE     VW_RGB(0xc8, 0xeb, 0xdf) /* thread running user code between calls */
#define VW_C_USER      VW_RGB(0x00, 0x9e, 0x73) /* bluish green */
#define VW_C_KERNEL    VW_RGB(0x00, 0x72, 0xb2) /* blue */
#define VW_C_WAIT      VW_RGB(0xd5, 0x5e, 0x00) /* vermillion */
#define VW_C_PACKET    VW_RGB(0xe6, 0x9f, 0x00) /* orange */
#define VW_C_INFLIGHT  VW_RGB(0x56, 0xb4, 0xe9) /* sky blue */
#define VW_C_MESSAGE   VW_RGB(0xf0, 0xe4, 0x42) /* yellow */
#define VW_C_MESSAGE_D VW_RGB(0x8c, 0x7a, 0x00)
#define VW_C_REQUEST   VW_RGB(0xcc, 0x79, 0xa7) /* reddish purple */
#define VW_C_REQ_SLOW  VW_RGB(0x7a, 0x2e, 0x5c)
#define VW_C_TEXT      VW_RGB(0x1a, 0x1a, 0x1a)
#define VW_C_TEXT_DIM  VW_RGB(0x5a, 0x5a, 0x5a)
#define VW_C_GRID      VW_RGB(0xd0, 0xd0, 0xd0)
#define VW_C_PLAYHEAD  VW_RGB(0x00, 0x00, 0x00)
#define VW_C_SELECT    VW_RGB(0x00, 0x00, 0x00)
#define VW_C_ERROR_BG  VW_RGB(0xfd, 0xe2, 0xd2)
#define VW_C_TIP_BG    VW_RGBA(0xff, 0xff, 0xe8, 0xf4)
#define VW_C_CAPTION   VW_RGB(0x10, 0x2a, 0x43)

/* the same colour's grey (its luma): a Linux stand-in's emulation lanes,
 * which keep the categories' lightness but not their hue */
static inline vw_rgba vw_grey(vw_rgba c)
{
    unsigned r = (c >> 24) & 0xff, g = (c >> 16) & 0xff, b = (c >> 8) & 0xff;
    unsigned y = (299 * r + 587 * g + 114 * b) / 1000;
    return (vw_rgba)(y << 24 | y << 16 | y << 8 | (c & 0xffu));
}
#define VW_C_EMUL      VW_RGB(0x9a, 0x9a, 0x9a) /* the legend's swatch for emulation lanes */

/* the same colour, lighter: events the playhead has not reached yet */
static inline vw_rgba vw_future(vw_rgba c) { return (c & 0xffffff00u) | 0x48u; }

#endif
