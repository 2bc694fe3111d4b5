/* ui_text.h — the viewer's interface strings in English or Korean: legend
 * categories, counter names, buttons and the run form. Lecture captions
 * (what an event means) are in caption.h. */
#ifndef VW_UI_TEXT_H
#define VW_UI_TEXT_H

#include "render/caption.h"

/* The text for `key` in `lang`; the key itself when there is none. */
const char *vw_label(const char *key, vw_lang lang);

#endif
