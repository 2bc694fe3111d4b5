/* scene.h — builds one frame's draw commands from the app state: header,
 * time axis, panels (lanes, operations, clients, arrows, counters),
 * playhead, legend, caption, run form, mini-map, tooltip. */
#ifndef VW_SCENE_H
#define VW_SCENE_H

#include "render/app.h"

/* zone ids (clickable areas recorded while drawing) */
enum { VW_Z_MODEL = 1, VW_Z_FIELD_DOWN, VW_Z_FIELD_UP, VW_Z_RUN, VW_Z_REMOVE, VW_Z_UP, VW_Z_DOWN, VW_Z_PRESET,
       VW_Z_STRIP /* an overview strip: opens its panel */, VW_Z_BACK /* back to the overview */,
       VW_Z_MORE /* the caption's next page */ };

void vw_scene_build(vw_app *app, vw_draw *d);
/* the run form's height at width w (its rows wrap on narrow screens) */
int  vw_scene_form_height(vw_app *app, vw_draw *d, int w);
/* per column of the mini-map: 0..255 share of time waiting (rebuilt on demand) */
void vw_scene_minimap_cache(vw_app *app);
vw_rgba vw_cat_color(vw_cat c);

#endif
