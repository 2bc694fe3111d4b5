/* scenario_claims.h — a scenario's caption held to what the run measured.
 *
 * A caption may name measured figures, "{iocp:trans_per_req}", and a
 * scenario's claims ([claim NAME] sections, sim/run/scenario.h) each compare
 * figures, "iocp:threads <= 2 * cpus + 1", with the sentence the claim
 * supports and the one to show when the run does not bear it out. Here
 * the claims are checked against a trace's stats and the caption is
 * filled: `sockscope run --scenario` prints it after the table, the viewer
 * shows it in lecture mode, and the preset test checks every claim.
 *
 * The grammar (docs/scenarios.md): a check is SUM OP SUM with OP one of
 * < <= > >= ==; a SUM adds and subtracts products (* /) of numbers,
 * parenthesised sums, MODEL:FIGURE, and the variables cpus, clients,
 * messages and idle. A placeholder {SUM} is filled with the value. */
#ifndef SS_SCENARIO_CLAIMS_H
#define SS_SCENARIO_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

#include "sim/report/stats.h"
#include "sim/run/scenario.h"

typedef enum ss_verdict { SS_CLAIM_HOLDS, SS_CLAIM_FAILS, SS_CLAIM_UNMEASURED } ss_verdict;

typedef struct ss_claim_result {
    ss_verdict verdict;
    double lhs, rhs;     /* the two sides' values (HOLDS / FAILS) */
    char shown[400];     /* the check with its values: "0.11 < 0.5 * 2.14 = 1.07" */
    char why[160];       /* UNMEASURED: what is missing ("iocp was not run") */
} ss_claim_result;

/* Checks a check or a placeholder's text when the file is read: syntax,
 * model names (every model the registry knows and, unless `all`, of the
 * scenario's list) and figure names. Returns 0, or -1 with the reason in err. */
int ss_claim_check_syntax(const ss_scenario *sc, const char *text, int comparison, char *err, size_t n);
/* Checks every placeholder in text ("{...}", "{{" for a brace). */
int ss_claim_check_placeholders(const ss_scenario *sc, const char *text, char *err, size_t n);

/* One claim against a trace's runs (one run per model: the first of a name). */
void ss_claim_eval(const ss_claim *c, const ss_stats *st, ss_claim_result *out);

/* The caption in lang ("en" or "ko"): the scenario's caption, then each
 * claim's sentence (the supported one when it holds, the other when it
 * does not; left out when it cannot be measured), placeholders filled from
 * st ("n/a" for a model that was not run). With st NULL, the caption
 * before the run: the scenario's own values (clients, cpu_us...), "…" for
 * figures, and no claim. Returns the length (the text is cut at n - 1
 * bytes, on a character boundary). */
size_t ss_caption_fill(const ss_scenario *sc, const ss_stats *st, const char *lang, char *out, size_t n);

/* What `sockscope run --scenario` prints after its table: the filled
 * caption and every claim's verdict with its values. */
void ss_claims_print(FILE *f, const ss_scenario *sc, const ss_stats *st, const char *lang);

/* The figure names, for help and docs: name, then what it measures. */
size_t ss_claim_nfigures(void);
const char *ss_claim_figure(size_t i, const char **meaning);

/* The CPU count claims use (`cpus`): the run's "cpus" parameter when it was
 * recorded, else this machine's. */
int ss_claim_cpus(const ss_stats *st);

#endif
