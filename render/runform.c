#include "render/runform.h"

#include <errno.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "render/assets.h"
#include "render/ui_text.h"
#include "sim/run/runner.h"
#include "sim/trace/recorder.h"

static const long field_min[VW_NFIELDS] = {1, 1, 1, 0, 0, 0};
static const long field_max[VW_NFIELDS] = {1000, 100000, 1 << 20, 1000, 100000, 1000};
static const long field_def[VW_NFIELDS] = {10, 50, 512, 0, 0, 0};
static const char *const field_names[VW_NFIELDS] = {"clients", "messages", "size", "think ms", "cpu us", "latency ms"};

const char *vw_field_name(vw_field k) { return field_names[k]; }

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

/* the presets shipped in assets/scenarios, sorted by name */
static void find_presets(vw_runform *f)
{
    char dir[1024];
    DIR *d = vw_asset_path("scenarios", dir, sizeof dir) ? opendir(dir) : NULL;
    for (struct dirent *e; d && (e = readdir(d)) && f->npresets < VW_FORM_PRESETS;) {
        size_t n = strlen(e->d_name);
        if (n > 4 && n - 4 < sizeof f->presets[0] && strcmp(e->d_name + n - 4, ".ini") == 0)
            snprintf(f->presets[f->npresets++], sizeof f->presets[0], "%.*s", (int)(n - 4), e->d_name);
    }
    if (d)
        closedir(d);
    qsort(f->presets, (size_t)f->npresets, sizeof f->presets[0], cmp_name);
}

void vw_form_init(vw_runform *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    memcpy(f->value, field_def, sizeof f->value);
    f->sc = calloc(1, sizeof *f->sc);
    f->run_sc = calloc(1, sizeof *f->run_sc);
    if (f->sc)
        ss_scenario_defaults(f->sc);
    f->preset = -1;
    find_presets(f);
    size_t n;
    const ss_model *const *ms = ss_models(&n);
    for (size_t i = 0; i < n && f->nmodels < VW_FORM_MODELS; i++) {
        char why[200];
        if (!ss_model_available(ms[i], why, sizeof why))
            continue;
        snprintf(f->model[f->nmodels], sizeof f->model[0], "%s", ms[i]->name);
        f->on[f->nmodels] = f->nmodels < 2; /* two models: the smallest comparison */
        f->nmodels++;
    }
    f->status_key = "st_pick";
}

/* The runs' traces are kept while the viewer shows them (saving a session
 * rereads them), then removed with their directory. */
static void remove_results(vw_runform *f)
{
    char path[512];
    for (int i = 1; f->tmpdir[0] && i <= f->nresults; i++) {
        snprintf(path, sizeof path, "%s/sockscope-view-%d.sstrace", f->tmpdir, i);
        unlink(path);
    }
    if (f->tmpdir[0] && rmdir(f->tmpdir) != 0)
        fprintf(stderr, "sockscope: could not remove %s: %s\n", f->tmpdir, strerror(errno));
    f->tmpdir[0] = 0;
}

/* Where the next run's trace goes: a fresh name in a directory only this
 * viewer can write (mode 0700), so no one else's link can be followed. */
static int next_result(vw_runform *f)
{
    if (!f->tmpdir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(f->tmpdir, sizeof f->tmpdir, "%.200s/sockscope-view-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(f->tmpdir)) {
            f->tmpdir[0] = 0;
            return -1;
        }
    }
    int len = snprintf(f->result_path, sizeof f->result_path, "%.200s/sockscope-view-%d.sstrace", f->tmpdir,
                       ++f->nresults);
    return len < (int)sizeof f->result_path ? 0 : -1;
}

void vw_form_free(vw_runform *f)
{
    if (f->started)
        pthread_join(f->thread, NULL);
    f->started = 0;
    remove_results(f);
    pthread_mutex_destroy(&f->lock);
    free(f->sc);
    free(f->run_sc);
    f->sc = f->run_sc = NULL;
}

void vw_form_step(vw_runform *f, vw_field k, int dir)
{
    long v = f->value[k];
    /* grow by ~x2 for large values so 1..100000 is a few clicks */
    long step = k == VW_F_SIZE ? (dir > 0 ? v : v / 2) : v >= 20 ? v / 2 : 1;
    v += dir > 0 ? (step ? step : 1) : -(step ? step : 1);
    f->value[k] = v < field_min[k] ? field_min[k] : v > field_max[k] ? field_max[k] : v;
}

/* key: a ui_text key; a "%s"-taking key gets arg, "%d"s get a and b */
static void set_status(vw_runform *f, const char *key, const char *arg, int a, int b)
{
    pthread_mutex_lock(&f->lock);
    f->status_key = key;
    snprintf(f->status_arg, sizeof f->status_arg, "%s", arg ? arg : "");
    f->status_a = a;
    f->status_b = b;
    pthread_mutex_unlock(&f->lock);
}

/* the models and fields a scenario asks for */
static void take_scenario(vw_runform *f, const ss_scenario *sc)
{
    for (int i = 0; i < f->nmodels && sc->nmodels > 0; i++) {
        f->on[i] = 0;
        for (int k = 0; k < sc->nmodels; k++)
            f->on[i] |= strcmp(f->model[i], sc->models[k]) == 0;
    }
    long v[VW_NFIELDS] = {sc->w.clients, sc->w.messages, sc->w.size, (long)sc->w.think_ms,
                          (long)sc->mo.cpu_work_us, (long)sc->w.link.latency_ms};
    for (int k = 0; k < VW_NFIELDS; k++)
        f->value[k] = v[k] < field_min[k] ? field_min[k] : v[k] > field_max[k] ? field_max[k] : v[k];
}

int vw_form_preset(vw_runform *f, int dir)
{
    if (!f->sc || atomic_load(&f->running))
        return -1;
    int n = f->npresets + 1, next = ((f->preset + 1 + (dir > 0 ? 1 : -1)) % n + n) % n - 1;
    char path[1024], rel[128], err[512];
    if (next < 0) {
        ss_scenario_defaults(f->sc);
        f->preset = -1;
        set_status(f, "st_nopreset", NULL, 0, 0);
        return 0;
    }
    snprintf(rel, sizeof rel, "scenarios/%s.ini", f->presets[next]);
    if (!vw_asset_path(rel, path, sizeof path) || ss_scenario_load(f->sc, path, err, sizeof err) != 0) {
        ss_scenario_defaults(f->sc);
        f->preset = -1;
        if (vw_asset_path(rel, path, sizeof path))
            set_status(f, "st_loadfail_fmt", err, 0, 0);
        else
            set_status(f, "st_gone", NULL, 0, 0);
        return -1;
    }
    f->preset = next;
    take_scenario(f, f->sc);
    set_status(f, "st_preset_fmt", f->presets[next], 0, 0);
    return 0;
}

/* the scenario of the next run: the preset (or defaults) under the fields */
static void apply_fields(const vw_runform *f, ss_scenario *sc)
{
    sc->w.host = "127.0.0.1";
    sc->w.clients = (int)f->value[VW_F_CLIENTS];
    sc->w.messages = (int)f->value[VW_F_MESSAGES];
    if (sc->w.size != (int)f->value[VW_F_SIZE])
        memset(&sc->w.sizes, 0, sizeof sc->w.sizes); /* a size set here replaces a preset's range or list */
    sc->w.size = (int)f->value[VW_F_SIZE];
    /* whole numbers here; a preset's 2.5 ms stays unless the field moved */
    if ((long)sc->w.think_ms != f->value[VW_F_THINK])
        sc->w.think_ms = (double)f->value[VW_F_THINK];
    if ((long)sc->w.link.latency_ms != f->value[VW_F_LATENCY])
        sc->w.link.latency_ms = (double)f->value[VW_F_LATENCY];
    sc->mo.cpu_work_us = (unsigned)f->value[VW_F_CPU];
}

static void *run_thread(void *arg)
{
    vw_runform *f = arg;
    char err[512] = "";
    int n = 0, fails = 0;
    for (int i = 0; i < f->nmodels; i++)
        n += f->on[i];
    if (ss_rec_open(f->result_path, NULL, err, sizeof err) != 0) {
        set_status(f, "st_recfail_fmt", err, 0, 0);
        f->failed = 1;
        atomic_store(&f->running, 0);
        atomic_store(&f->done, 1);
        return NULL;
    }
    ss_scenario *sc = f->run_sc;
    ss_kv facts[] = {{"scenario", sc->name}};
    if (sc->name[0]) {
        sc->w.facts = facts;
        sc->w.nfacts = 1;
    }
    for (int i = 0, k = 0; i < f->nmodels; i++) {
        if (!f->on[i])
            continue;
        const ss_model *m = ss_model_find(f->model[i]);
        set_status(f, "st_running_fmt", f->model[i], ++k, n);
        atomic_store(&f->progress_model, k);
        ss_run_progress pg = {f->model[i], k, n, 0, 1};
        ss_workload_result res;
        if (!m || ss_run_one(m, &sc->mo, &sc->w, &pg, &res, err, sizeof err) != 0)
            fails++;
    }
    ss_rec_close(err, sizeof err);
    if (fails)
        set_status(f, "st_failed_fmt", err[0] ? err : "run", fails, n);
    else
        set_status(f, "st_done_fmt", NULL, n, 0);
    atomic_store(&f->running, 0);
    atomic_store(&f->done, 1);
    return NULL;
}

int vw_form_start(vw_runform *f)
{
    if (atomic_load(&f->running)) {
        set_status(f, "st_busy", NULL, 0, 0);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < f->nmodels; i++)
        n += f->on[i];
    if (!n) {
        set_status(f, "st_nomodel", NULL, 0, 0);
        return -1;
    }
    if (!f->sc || !f->run_sc) {
        set_status(f, "st_oom", NULL, 0, 0);
        return -1;
    }
    char err[512];
    *f->run_sc = *f->sc;
    apply_fields(f, f->run_sc);
    if (ss_scenario_validate(f->run_sc, err, sizeof err) != 0) {
        set_status(f, "st_invalid_fmt", err, 0, 0);
        return -1;
    }
    if (f->started)
        pthread_join(f->thread, NULL);
    f->started = 0;
    if (next_result(f) != 0) {
        set_status(f, "st_recfail_fmt", "cannot create a private directory in $TMPDIR", 0, 0);
        return -1;
    }
    ss_run_ignore_sigpipe();
    f->failed = 0;
    atomic_store(&f->done, 0);
    atomic_store(&f->running, 1);
    atomic_store(&f->progress_count, n);
    if (pthread_create(&f->thread, NULL, run_thread, f) != 0) {
        atomic_store(&f->running, 0);
        set_status(f, "st_thread", NULL, 0, 0);
        return -1;
    }
    f->started = 1;
    return 0;
}

int vw_form_poll(vw_runform *f, vw_lang lang, char *path, size_t n, char *status, size_t sn)
{
    if (!atomic_load(&f->done))
        return 0;
    atomic_store(&f->done, 0);
    if (f->started)
        pthread_join(f->thread, NULL);
    f->started = 0;
    snprintf(path, n, "%s", f->result_path);
    vw_form_status(f, lang, status, sn);
    return f->failed ? -1 : 1;
}

void vw_form_status(vw_runform *f, vw_lang lang, char *out, size_t n)
{
    pthread_mutex_lock(&f->lock);
    const char *key = f->status_key ? f->status_key : "st_pick";
    const char *fmt = vw_label(key, lang);
    size_t len = strlen(key);
    if (len < 4 || strcmp(key + len - 4, "_fmt") != 0)
        snprintf(out, n, "%s", fmt);
    else if (strstr(fmt, "%s"))
        snprintf(out, n, fmt, f->status_arg, f->status_a, f->status_b);
    else
        snprintf(out, n, fmt, f->status_a, f->status_b);
    pthread_mutex_unlock(&f->lock);
}
