/* Every preset in assets/scenarios runs, scaled down (SOCKSCOPE_PRESET_SCALE,
 * default 0.1), with every model of it that this build has; the models
 * other engineers have not landed yet are skipped with a message. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
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

static void run_preset(const char *path, int *ran)
{
    ss_scenario sc;
    char err[600];
    if (ss_scenario_load(&sc, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    ss_scenario_scale(&sc, preset_scale());
    const ss_model *list[SS_SCEN_MAX_MODELS + 16];
    int n = models_of(&sc, list, (int)(sizeof list / sizeof list[0]));
    for (int i = 0; i < n; i++) {
        ss_workload_result res;
        ss_stats st;
        tu_record(list[i]->name, &sc.mo, &sc.w, &res, &st, 1);
        long expected = (long)sc.w.clients * sc.w.messages - res.skipped;
        assert_int_equal(res.requests_ok, expected);
        assert_int_equal(st.runs[0].requests_ok, expected);
        ss_stats_free(&st);
        (*ran)++;
    }
    print_message("%s: %d model(s) ran at scale %g (%d clients x %d messages, %d idle)\n", sc.name, n,
                  preset_scale(), sc.w.clients, sc.w.messages, sc.w.idle);
}

static void every_preset_runs_scaled_down(void **state)
{
    (void)state;
    const char *src = getenv("SS_SRC");
    assert_non_null(src);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/assets/scenarios", src);
    struct dirent **names;
    int count = scandir(dir, &names, NULL, alphasort);
    assert_true(count > 0);
    int presets = 0, ran = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(names[i]->d_name);
        if (len > 4 && strcmp(names[i]->d_name + len - 4, ".ini") == 0) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            run_preset(path, &ran);
            presets++;
        }
        free(names[i]);
    }
    free(names);
    assert_true(presets >= 7);
    assert_true(ran > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_preset_runs_scaled_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
