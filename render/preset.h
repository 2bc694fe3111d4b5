/* preset.h — the lecture preset a run was recorded from: its name (the run
 * parameters say "scenario=NAME" for runs of a scenario), its caption (from
 * assets/scenarios/NAME.ini) and the counters that caption asks students to
 * compare, so that lecture mode shows both. */
#ifndef VW_PRESET_H
#define VW_PRESET_H

#include <stddef.h>

#include "render/caption.h"
#include "render/counters.h"
#include "render/session.h"

typedef struct vw_preset {
    char name[64];
    char source[256];    /* the trace whose runs fill the caption's figures ("" none) */
    char caption_en[2048], caption_ko[2048];
    int found;           /* 0: no such preset in assets/scenarios */
} vw_preset;

#define VW_PRESET_CACHE 8
typedef struct vw_preset_cache {
    vw_preset p[VW_PRESET_CACHE];
    int n;
} vw_preset_cache;

/* The scenario name in a run's parameters: 0, or -1 when the run was not
 * recorded from a scenario. */
int vw_run_scenario(const vw_run *r, char *name, size_t n);
/* The preset called name, read once from assets/scenarios, its caption
 * filled from the runs of the trace `source` (sim/run/scenario_claims.h: the
 * measured figures, each claim as the run bore it out); NULL when it is
 * not there. */
const vw_preset *vw_preset_get(vw_preset_cache *pc, const char *name, const char *source);
const char *vw_preset_caption(const vw_preset *p, vw_lang lang);
/* The counters the caption of preset `name` asks about; returns the count
 * (0 for an unknown name). */
int vw_preset_counters(const char *name, vw_ctr *out, int max);
/* Whether vw_preset_counters knows the preset (a test checks that every
 * shipped preset is listed). */
int vw_preset_listed(const char *name);

#endif
