/* scene_overview.h — one run as an overview strip (scene_overview.c):
 * what each thread did over the whole run, and the run's counters. */
#ifndef VW_SCENE_OVERVIEW_H
#define VW_SCENE_OVERVIEW_H

#include "render/scene_kit.h"

void vw_sc_strip(vw_sc *c, int p);
vw_font vw_sc_strip_font(vw_sc *c);

#endif
