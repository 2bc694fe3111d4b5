/* scene_panel.h — one run's panel (scene_panel.c): its lanes, arrows,
 * travelling packets and counters. */
#ifndef VW_SCENE_PANEL_H
#define VW_SCENE_PANEL_H

#include "render/scene_kit.h"

void vw_sc_panel(vw_sc *c, int p);
/* a run's counters in box, those its preset's caption asks about first (and
 * marked), with fonts from big down to small */
void vw_sc_counters(vw_sc *c, int p, const vw_rect *box, vw_font big, vw_font small);
vw_font vw_sc_counters_font(vw_sc *c, vw_font big, vw_font small);

#endif
