/* scene_chrome.h — everything around the panels (scene_chrome.c). */
#ifndef VW_SCENE_CHROME_H
#define VW_SCENE_CHROME_H

#include "render/scene_kit.h"

void vw_sc_header(vw_sc *c);
void vw_sc_axis(vw_sc *c);
void vw_sc_legend(vw_sc *c);
void vw_sc_caption(vw_sc *c);
void vw_sc_form(vw_sc *c);
void vw_sc_minimap(vw_sc *c);
void vw_sc_tooltip(vw_sc *c);
void vw_sc_message(vw_sc *c);

#endif
