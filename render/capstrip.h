/* capstrip.h — the lecture caption strip's text, cut into lines that fit:
 * the preset's caption (what this comparison is about), the facts of the
 * event at the playhead, its explanation from the textbook, the model's
 * strengths and weaknesses, and one line for each of two other panels.
 * Nothing is cut off: the strip grows; when the whole text is taller than
 * the strip may be, the fonts step down once, and then the text pages
 * with a visible "more" mark (C turns the page). Plain C. */
#ifndef VW_CAPSTRIP_H
#define VW_CAPSTRIP_H

#include <stddef.h>
#include <stdint.h>

#include "render/draw.h"

typedef enum vw_cs_style { VW_CS_SCENARIO, VW_CS_FACTS, VW_CS_EXPLAIN, VW_CS_MODEL, VW_CS_OTHER } vw_cs_style;

#define VW_CS_LINES 64
#define VW_CS_PAGES 16
#define VW_CS_PAD 8

typedef struct vw_cs_line {
    uint32_t off;            /* in text[] */
    uint8_t font, style;
    int y;                   /* from the top of its page */
} vw_cs_line;

typedef struct vw_capstrip {
    char text[16384];
    size_t used;
    vw_cs_line line[VW_CS_LINES];
    int n;
    int npages, page;           /* the page shown */
    int first[VW_CS_PAGES + 1]; /* each page's first line; first[npages] == n */
    int h;                      /* the height the strip needs: its tallest page, padded */
    int mark_h;                 /* room kept for the "more" mark when paged */
    uint32_t hash;              /* of the words: a new caption starts at its first page */
    int set;                    /* fonts used: 0 large, 1 one step smaller */
    int explains;               /* an event is explained (not "press play") */
} vw_capstrip;

struct vw_app;
/* Builds the strip for the app's focus panel at its playhead, wrapped to
 * width, with font set `set` or smaller (cs->set says which). */
void vw_capstrip_build(vw_capstrip *cs, struct vw_app *app, vw_draw *d, int width, int max_h, int set);
const char *vw_capstrip_text(const vw_capstrip *cs, int line);
void vw_capstrip_next_page(vw_capstrip *cs);

#endif
