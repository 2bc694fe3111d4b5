/* scenario.h — a comparison to run, read from an INI file (inih) or built
 * from command-line flags: which models, the clients and their pattern,
 * special clients, server options and network conditions.
 *
 * One table of keys (scenario.c) drives everything: the file parser, the
 * `sockscope run` flags (each key's flag sets exactly the same field with
 * exactly the same checks), the flag help, and docs/scenarios.md. Errors
 * name the file, the line and the key; unknown keys are errors. */
#ifndef SS_SCENARIO_H
#define SS_SCENARIO_H

#include <stddef.h>
#include <stdio.h>

#include "models/model.h"
#include "sim/load/workload.h"

#define SS_SCEN_MAX_MODELS 16
#define SS_SCEN_MAX_KEYS 64
#define SS_SCEN_MAX_CLAIMS 12

/* [clients] scale: what --scale may shrink without changing the lesson */
enum { SS_SCALE_ALL = 0, SS_SCALE_MESSAGES = 1, SS_SCALE_NONE = 2 };

/* A claim of the caption, checked against every run of the scenario
 * (sim/run/scenario_claims.h; docs/scenarios.md): a comparison of measured
 * figures, such as "iocp:threads <= 2 * cpus + 1", the sentence it
 * supports, and the sentence shown instead when the run does not bear it
 * out. Sentences may name figures: "{iocp:trans_per_req}". Index 0 is
 * English, 1 Korean. Written in a file as a [claim NAME] section. */
typedef struct ss_claim {
    char name[32];
    char check[400];
    char holds[2][640], otherwise[2][640];
    int line[5]; /* where check, en, ko, else_en and else_ko were set (0 = not set) */
} ss_claim;

typedef struct ss_scenario {
    char name[64];
    char caption_ko[1024], caption_en[1024];
    char models[SS_SCEN_MAX_MODELS][32]; /* empty: the command line's --model decides */
    int nmodels;
    ss_model_opts mo;
    ss_workload_opts w;       /* host 127.0.0.1 */
    int scale_mode;           /* what --scale shrinks: SS_SCALE_ALL, _MESSAGES or _NONE ([clients] scale) */
    ss_claim claims[SS_SCEN_MAX_CLAIMS];
    int nclaims;
    char path[512];           /* the file it came from ("" = flags only) */
    int line[SS_SCEN_MAX_KEYS]; /* where each key was set (0 = default), for errors */
} ss_scenario;

/* The defaults of `sockscope run`: 20 clients x 200 messages of 512 bytes. */
void ss_scenario_defaults(ss_scenario *sc);

/* Defaults, then the file. Returns 0, or -1 with "FILE:LINE: [section] key: why". */
int ss_scenario_load(ss_scenario *sc, const char *path, char *err, size_t n);
/* Defaults, then text in memory (name stands for the file in messages). */
int ss_scenario_parse(ss_scenario *sc, const char *text, size_t len, const char *name, char *err, size_t n);

/* One key, as a file line or a flag would set it. label names it in errors
 * (e.g. "--latency-ms"); NULL uses "[section] key". */
int ss_scenario_set(ss_scenario *sc, const char *section, const char *key, const char *value, const char *label,
                    char *err, size_t n);
/* Checks that need several keys (special clients <= clients...). */
int ss_scenario_validate(const ss_scenario *sc, char *err, size_t n);

/* Scale-down knob for quick runs and tests: clients, idle connections and
 * messages times f (at least 1, and at least one ordinary client); only the
 * messages when the file says `scale = messages`, nothing with `scale =
 * none`. */
void ss_scenario_scale(ss_scenario *sc, double f);

/* --- the key table, for the command line ----------------------------------- */
typedef struct ss_scen_key {
    const char *section, *key;
    const char *flag;    /* `sockscope run --FLAG` (NULL: file only) */
    const char *arg;     /* what the value looks like, for help; NULL: a switch without a value */
    const char *help;
} ss_scen_key;

size_t ss_scenario_nkeys(void);
const ss_scen_key *ss_scenario_key(size_t i);
/* one line per flag: "  --latency-ms MS        one-way delay ..." */
void ss_scenario_print_flags(FILE *f, const char *section);

/* A [server] option by its flag name ("cpu-us", "fd-setsize"...), for the
 * commands that take model options without a scenario (serve). */
int ss_model_opt_set(ss_model_opts *mo, const char *flag, const char *value, char *err, size_t n);

#endif
