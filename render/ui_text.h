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
/* "25 s" / "25초": seconds of screen time, for the pace */
void vw_fmt_seconds(double s, vw_lang lang, char *out, int n);

#endif
