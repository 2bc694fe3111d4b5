/* registry.c — the one list of models: every model sockscope knows, in the
 * order of the textbook's table of I/O models (table 11-5) with the ones
 * beyond the book after their nearest relatives, and the file that
 * implements each on this platform. Scenario files and claims may name any
 * of them, built here or not (a preset recorded elsewhere stays readable);
 * `run` and `serve` take only those built here.
 *
 * Each model file defines one `const ss_model ss_model_<name>`. Platform-
 * only files are compiled per OS by CMake, hence the guards. On Windows the
 * textbook's servers run on real Winsock (models/NAME_win.c) under the same
 * names as their POSIX siblings. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "models/model.h"

/* Where each model is built: everywhere; on Linux (epoll); where the
 * Windows models run, on real Winsock or as Linux stand-ins (an epoll
 * notifier; io_uring); on Linux with liburing. */
#define EVERYWHERE(m) &m
#ifdef __linux__
#define LINUX(m) &m
#else
#define LINUX(m) NULL
#endif
#if defined(_WIN32) || defined(__linux__)
#define WINDOWS_OR_LINUX(m) &m
#else
#define WINDOWS_OR_LINUX(m) NULL
#endif
#if defined(_WIN32) || defined(SS_HAVE_URING)
#define WINDOWS_OR_URING(m) &m
#else
#define WINDOWS_OR_URING(m) NULL
#endif
#ifdef SS_HAVE_URING
#define URING(m) &m
#else
#define URING(m) NULL
#endif

extern const ss_model ss_model_blocking_iterative, ss_model_blocking_threads, ss_model_nonblocking, ss_model_select,
    ss_model_poll, ss_model_epoll, ss_model_async_select, ss_model_event_select, ss_model_overlapped,
    ss_model_overlapped_event, ss_model_iocp, ss_model_io_uring;

#if !defined(_WIN32) && defined(__linux__) && !defined(SS_HAVE_SDL2)
/* Built without SDL2: async-select is listed, and says why it cannot run. */
static int no_sdl2(char *why, size_t n)
{
    snprintf(why, n, "built without SDL2, whose event queue is its message queue: install the SDL2 "
                     "development package (libsdl2-dev) and reconfigure");
    return 0;
}

static int no_serve(ss_server *s)
{
    (void)s;
    fprintf(stderr, "async-select: not built (no SDL2)\n");
    return -1;
}

const ss_model ss_model_async_select = {
    .name = "async-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "not built: needs SDL2",
    .summary = "WSAAsyncSelect: socket events as window messages",
    .available = no_sdl2,
    .serve = no_serve,
};
#endif

static const struct {
    const char *name;
    const ss_model *model; /* NULL: not built on this platform */
} catalog[] = {
    {"blocking-iterative", EVERYWHERE(ss_model_blocking_iterative)},
    {"blocking-threads", EVERYWHERE(ss_model_blocking_threads)},
    {"nonblocking", EVERYWHERE(ss_model_nonblocking)},
    {"select", EVERYWHERE(ss_model_select)},
    {"poll", EVERYWHERE(ss_model_poll)},
    {"epoll", LINUX(ss_model_epoll)},
    {"async-select", WINDOWS_OR_LINUX(ss_model_async_select)},
    {"event-select", WINDOWS_OR_LINUX(ss_model_event_select)},
    {"overlapped", WINDOWS_OR_URING(ss_model_overlapped)},
    {"overlapped-event", WINDOWS_OR_URING(ss_model_overlapped_event)},
    {"iocp", WINDOWS_OR_URING(ss_model_iocp)},
    {"io_uring", URING(ss_model_io_uring)},
};
#define NCATALOG (sizeof catalog / sizeof catalog[0])

static const char *names[NCATALOG];
static const ss_model *built[NCATALOG];
static size_t nbuilt;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void index_catalog(void)
{
    for (size_t i = 0; i < NCATALOG; i++) {
        names[i] = catalog[i].name;
        if (catalog[i].model)
            built[nbuilt++] = catalog[i].model;
    }
}

const ss_model *const *ss_models(size_t *count)
{
    pthread_once(&once, index_catalog);
    *count = nbuilt;
    return built;
}

const char *const *ss_model_all_names(size_t *count)
{
    pthread_once(&once, index_catalog);
    *count = NCATALOG;
    return names;
}

int ss_model_known(const char *name)
{
    for (size_t i = 0; i < NCATALOG; i++)
        if (strcmp(catalog[i].name, name) == 0)
            return 1;
    return 0;
}

const ss_model *ss_model_find(const char *name)
{
    for (size_t i = 0; i < NCATALOG; i++)
        if (catalog[i].model && strcmp(catalog[i].model->name, name) == 0)
            return catalog[i].model;
    return NULL;
}

int ss_model_available(const ss_model *m, char *why, size_t n)
{
    if (n)
        why[0] = 0;
    return m->available ? m->available(why, n) : 1;
}

void ss_model_names(char *out, size_t n)
{
    size_t count, used = 0;
    const ss_model *const *ms = ss_models(&count);
    out[0] = 0;
    for (size_t i = 0; i < count && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", ms[i]->name);
}
