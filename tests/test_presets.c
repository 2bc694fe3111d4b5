/* Every preset in assets/scenarios runs, scaled down as `sockscope run
 * --scale` would (SOCKSCOPE_PRESET_SCALE, default 0.1), every model of it
 * into one trace, and every claim of its caption holds on that run: a
 * caption that names an advantage is checked against the figures it names.
 * The figures are printed; no claim is skipped (a model this build lacks
 * makes its claims unmeasurable, and is said so). Many claims compare
 * latencies or CPU time, which a machine busy with other work can bend: a
 * preset whose claim does not hold is run again, up to three times in all,
 * and fails if no run has every claim hold (every attempt's figures are
 * printed). A broken lesson fails all three. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run/runner.h"
#include "sim/run/scenario.h"
#include "sim/run/scenario_claims.h"
#include "sim/trace/recorder.h"
#include "testutil.h"

static double preset_scale(void)
{
    const char *s = getenv("SOCKSCOPE_PRESET_SCALE");
    double f = s ? atof(s) : 0.1;
    return f > 0 ? f : 0.1;
}

/* the models to run: the scenario's list, or every registered one for "all" */
static int models_of(const ss_scenario *sc, const ss_model **out, int max)
{
    int n = 0;
    size_t total;
    const ss_model *const *all = ss_models(&total);
    int every = sc->nmodels == 1 && strcmp(sc->models[0], "all") == 0;
    for (int i = 0; i < (every ? (int)total : sc->nmodels) && n < max; i++) {
        const ss_model *m = every ? all[i] : ss_model_find(sc->models[i]);
        char why[200];
        if (m && ss_model_available(m, why, sizeof why))
            out[n++] = m;
        else
            print_message("  %s: skipping %s (%s)\n", sc->name, sc->models[i], m ? why : "not in this build yet");
    }
    return n;
}

/* Records every model of the preset into one trace, as `sockscope run
 * --scenario` does (the same facts: scenario name, CPU count). */
static void record_preset(ss_scenario *sc, const ss_model *const *list, int n, ss_stats *st)
{
    const char *path = tu_tmpfile(".sstrace");
    char err[512], cpus[16];
    ss_rec_opts ro = {0, 1, 0};
    assert_int_equal(ss_rec_open(path, &ro, err, sizeof err), 0);
    snprintf(cpus, sizeof cpus, "%d", ss_claim_cpus(NULL));
    ss_kv facts[] = {{"scenario", sc->name}, {"cpus", cpus}};
    sc->w.facts = facts;
    sc->w.nfacts = 2;
    long expected[SS_SCEN_MAX_MODELS + 16];
    for (int i = 0; i < n; i++) {
        ss_workload_result res;
        if (ss_run_one(list[i], &sc->mo, &sc->w, NULL, &res, err, sizeof err) != 0) {
            ss_rec_close(NULL, 0);
            fail_msg("%s, %s: %s", sc->name, list[i]->name, err);
        }
        expected[i] = (long)sc->w.clients * sc->w.messages - res.skipped;
        assert_int_equal(res.requests_ok, expected[i]);
    }
    sc->w.facts = NULL;
    sc->w.nfacts = 0;
    assert_int_equal(ss_rec_close(err, sizeof err), 0);
    if (ss_stats_load(path, st, err, sizeof err) != 0)
        fail_msg("loading %s: %s", path, err);
    assert_int_equal(st->nruns, n);
    for (int i = 0; i < n; i++)
        assert_int_equal(st->runs[i].requests_ok, expected[i]);
}

/* a claim that cannot be measured is acceptable only when it names a model
 * this build does not have */
static int model_missing_here(const char *why)
{
    char model[64];
    if (sscanf(why, "%63s was not run", model) != 1)
        return 0;
    const ss_model *m = ss_model_find(model);
    char reason[200];
    return !m || !ss_model_available(m, reason, sizeof reason);
}

/* Checks one run of a preset: returns how many of its claims did not hold
 * (said in the log); anything else wrong fails at once. */
static int check_claims(const ss_scenario *sc, const ss_stats *st, int *checked)
{
    int failed = 0;
    ss_claims_print(stdout, sc, st, "en"); /* the figures, for whoever reads the log */
    for (int i = 0; i < sc->nclaims; i++) {
        ss_claim_result r;
        ss_claim_eval(&sc->claims[i], st, &r);
        if (r.verdict == SS_CLAIM_FAILS) {
            print_message("%s: claim %s does not hold: %s (measured %s)\n", sc->name, sc->claims[i].name,
                          sc->claims[i].check, r.shown);
            failed++;
        }
        if (r.verdict == SS_CLAIM_UNMEASURED && !model_missing_here(r.why))
            fail_msg("%s: claim %s could not be measured: %s", sc->name, sc->claims[i].name, r.why);
        *checked += r.verdict == SS_CLAIM_HOLDS;
    }
    /* the filled caption, both languages: every placeholder got a number */
    for (int l = 0; l < 2; l++) {
        char text[8192];
        ss_caption_fill(sc, st, l ? "ko" : "en", text, sizeof text);
        if (strchr(text, '{') || strchr(text, '}') || strstr(text, "n/a") || strstr(text, "…"))
            fail_msg("%s: the %s caption is not filled: %s", sc->name, l ? "ko" : "en", text);
        if (strstr(text, " us ") || strstr(text, " us,") || strstr(text, " us)"))
            fail_msg("%s: write µs, not us: %s", sc->name, text);
    }
    return failed;
}

static void run_preset(const char *path, int *ran, int *claims)
{
    ss_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(sc);
    char err[600];
    if (ss_scenario_load(sc, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    ss_scenario_scale(sc, preset_scale());
    if (sc->nclaims == 0) /* a preset shows something, and says what: a claim checked here */
        fail_msg("%s has no [claim] section", sc->name);
    const ss_model *list[SS_SCEN_MAX_MODELS + 16];
    int n = models_of(sc, list, (int)(sizeof list / sizeof list[0]));
    print_message("%s: %d model(s) at scale %g (%d clients x %d messages, %d idle)\n", sc->name, n, preset_scale(),
                  sc->w.clients, sc->w.messages, sc->w.idle);
    for (int attempt = 1, failed = n > 0; n && failed; attempt++) {
        ss_stats st;
        int held = 0;
        record_preset(sc, list, n, &st);
        failed = check_claims(sc, &st, &held);
        ss_stats_free(&st);
        *ran += n;
        if (!failed)
            *claims += held;
        else if (attempt == 3)
            fail_msg("%s: in none of 3 runs did every claim hold (%d failed in the last; figures above)", sc->name,
                     failed);
        else
            print_message("%s: running it again (attempt %d of 3)\n", sc->name, attempt + 1);
    }
    free(sc);
}

static void every_preset_runs_and_its_claims_hold(void **state)
{
    (void)state;
    const char *src = getenv("SS_SRC");
    assert_non_null(src);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/assets/scenarios", src);
    struct dirent **names;
    int count = scandir(dir, &names, NULL, alphasort);
    assert_true(count > 0);
    int presets = 0, ran = 0, claims = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 4 && strcmp(names[i]->d_name + len - 4, ".ini") == 0) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            run_preset(path, &ran, &claims);
            presets++;
        }
        free(names[i]);
    }
    free(names);
    print_message("%d presets, %d runs, %d claims held\n", presets, ran, claims);
    assert_true(presets >= 7);
    assert_true(ran > 0 && claims > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_preset_runs_and_its_claims_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
