/* ui_text.h — the viewer's interface strings in English or Korean: legend
 * categories, counter names, buttons and the run form. Lecture captions
 * (what an event means) are in caption.h. */
#ifndef VW_UI_TEXT_H
#define VW_UI_TEXT_H

#include "render/caption.h"

/* The text for `key` in `lang`; the key itself when there is none. */
const char *vw_label(const char *key, vw_lang lang);

/* Where a run was recorded, for its panel title, from the run's parameters
 * ("platform=... winsock=... waits=...", sim/server.h) as the viewer keeps
 * them ("k=v k=v ..."): "recorded on Wine 8.0 — timings are Wine's, waits
 * not measured", "Linux stand-in for Winsock", "recorded on Windows
 * 10.0.19045"... An older trace without those keys gets "" — unless its
 * mechanism says it is a stand-in. Returns the parameters that follow the
 * origin keys (the writer puts those first), for the rest of the title. */
const char *vw_run_origin(const char *params, const char *mechanism, vw_lang lang, char *out, size_t n);
/* The value of `key` in such a parameter string ("" if absent): it runs to
 * the next " word=" (values may hold spaces). */
void vw_param_value(const char *params, const char *key, char *out, size_t n);

#endif
