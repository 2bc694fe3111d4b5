/* ui_text.h — the viewer's interface strings in English or Korean: legend
 * categories, counter names, buttons, the header, tooltips, the run form's
 * messages and the models' mechanism lines. Lecture captions (what an
 * event means) are in caption.h. Function and constant names (recv,
 * WSAEWOULDBLOCK, FD_SETSIZE) stay as the textbook writes them. */
#ifndef VW_UI_TEXT_H
#define VW_UI_TEXT_H

#include "render/caption.h"

/* The text for `key` in `lang`; the key itself when there is none. Some
 * texts are printf formats: their key says which arguments they take. */
const char *vw_label(const char *key, vw_lang lang);
/* A run's mechanism line in `lang`: the Korean of a known model's recorded
 * English text, or the recorded text itself (a newer or unknown wording is
 * shown as recorded rather than with a stale translation). */
const char *vw_mechanism(const char *model, const char *recorded, vw_lang lang);
/* A lane's label: the program's thread names as it gave them, the lanes
 * sockscope makes up (the stand-in calls gathered off the model's threads)
 * in `lang`. */
const char *vw_lane_title(const vw_lane *l, vw_lang lang);
/* "25 s" / "25초": seconds of screen time, for the pace */
void vw_fmt_seconds(double s, vw_lang lang, char *out, int n);

/* Where a run was recorded, for its panel title, from the run's parameters
 * ("platform=... winsock=... waits=...", sim/run/server.h) as the viewer keeps
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
