#include "render/preset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/assets.h"
#include "sim/report/stats.h"
#include "sim/run/scenario.h"
#include "sim/run/scenario_claims.h"

int vw_run_scenario(const vw_run *r, char *name, size_t n)
{
    const char *p = r->params;
    for (const char *s = strstr(p, "scenario="); s; s = strstr(s + 1, "scenario=")) {
        if (s != p && s[-1] != ' ')
            continue; /* "xscenario=" is another key */
        s += strlen("scenario=");
        size_t len = strcspn(s, " ");
        if (len == 0 || len >= n)
            return -1;
        if (s[0] == '.')
            return -1;
        for (size_t i = 0; i < len; i++) /* a file name in assets/scenarios, nothing else */
            if (!strchr("-_.", s[i]) && !(s[i] >= '0' && s[i] <= '9') && !(s[i] >= 'a' && s[i] <= 'z') &&
                !(s[i] >= 'A' && s[i] <= 'Z'))
                return -1;
        memcpy(name, s, len);
        name[len] = 0;
        return 0;
    }
    return -1;
}

/* The caption held to the run (sim/run/scenario_claims.h): its figures filled
 * from the trace the runs came from, each claim's sentence as the run bore
 * it out; without a readable trace, the caption before a run. */
static void fill(vw_preset *p, const ss_scenario *sc, const char *source)
{
    ss_stats *st = calloc(1, sizeof *st);
    char err[512];
    int have = st && source && source[0] && ss_stats_load(source, st, err, sizeof err) == 0;
    ss_caption_fill(sc, have ? st : NULL, "en", p->caption_en, sizeof p->caption_en);
    ss_caption_fill(sc, have ? st : NULL, "ko", p->caption_ko, sizeof p->caption_ko);
    if (have)
        ss_stats_free(st);
    free(st);
}

static void load(vw_preset *p, const char *name, const char *source)
{
    char rel[128], path[1024], err[512];
    snprintf(p->name, sizeof p->name, "%s", name);
    snprintf(p->source, sizeof p->source, "%s", source ? source : "");
    snprintf(rel, sizeof rel, "scenarios/%s.ini", name);
    ss_scenario *sc = calloc(1, sizeof *sc);
    p->found = sc && vw_asset_path(rel, path, sizeof path) && ss_scenario_load(sc, path, err, sizeof err) == 0;
    if (p->found)
        fill(p, sc, source);
    free(sc);
}

const vw_preset *vw_preset_get(vw_preset_cache *pc, const char *name, const char *source)
{
    const char *src = source ? source : "";
    for (int i = 0; i < pc->n; i++)
        if (strcmp(pc->p[i].name, name) == 0 && strcmp(pc->p[i].source, src) == 0)
            return pc->p[i].found ? &pc->p[i] : NULL;
    vw_preset *p = &pc->p[pc->n < VW_PRESET_CACHE ? pc->n++ : VW_PRESET_CACHE - 1];
    load(p, name, src);
    return p->found ? p : NULL;
}

const char *vw_preset_caption(const vw_preset *p, vw_lang lang)
{
    const char *c = lang == VW_LANG_KO ? p->caption_ko : p->caption_en;
    return c[0] ? c : p->caption_en;
}

/* What each shipped preset's caption (the .ini files of assets/scenarios) tells
 * students to look at, in the caption's own order. */
typedef struct asked {
    const char *preset;
    vw_ctr k[4];
    int n;
} asked;

static const asked ASKED[] = {
    {"nonblocking-cpu-cost", {VW_CTR_CPU, VW_CTR_WOULDBLOCK}, 2},                 /* "the CPU ms and would-block counts" */
    {"closing-comparison", {VW_CTR_BLOCKED_PCT, VW_CTR_THREADS, VW_CTR_CPU, VW_CTR_PER_REQUEST}, 4}, /* the four requirements */
    {"select-64-limit", {VW_CTR_REFUSED, VW_CTR_REQUESTS}, 2},                     /* "counted as refused", "serves all 100" */
    {"c10k-idle-connections", {VW_CTR_CPU, VW_CTR_CALLS}, 2},                      /* "scans all of them on every call" */
    {"async-select-busy-ui", {VW_CTR_LATENCY}, 1},                                 /* "every request waits" */
    {"iterative-vs-threads-slow-client", {VW_CTR_LATENCY, VW_CTR_THREADS}, 2},     /* "others fast", "one thread per client" */
    {"stubborn-clients", {VW_CTR_REQUESTS, VW_CTR_WOULDBLOCK}, 2},                 /* "keep serving", "return WOULDBLOCK" */
    {"threads-vs-iocp-cpu-work", {VW_CTR_THREADS, VW_CTR_CPU}, 2},                 /* "a thread per client", "a few workers" */
    {"wan-link", {VW_CTR_LATENCY}, 1},                                             /* "at least 50 ms" */
};

static const asked *find_asked(const char *name)
{
    for (size_t i = 0; i < sizeof ASKED / sizeof ASKED[0]; i++)
        if (strcmp(ASKED[i].preset, name) == 0)
            return &ASKED[i];
    return NULL;
}

int vw_preset_counters(const char *name, vw_ctr *out, int max)
{
    const asked *a = find_asked(name);
    int n = 0;
    for (int i = 0; a && i < a->n && n < max; i++)
        out[n++] = a->k[i];
    return n;
}

int vw_preset_listed(const char *name) { return find_asked(name) != NULL; }
