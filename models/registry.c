#include <stdio.h>
#include <string.h>

#include "models/model.h"

/* Each model file defines one `const ss_model ss_model_<name>`. Platform-only
 * files are compiled per OS by CMake, hence the guards. */
#ifdef _WIN32
/* Windows: the textbook's servers on real Winsock (models/NAME_win.c), under the
 * same names as their POSIX siblings; overlapped-event is the textbook's
 * other overlapped server (events instead of completion routines). */
extern const ss_model ss_model_blocking_iterative, ss_model_blocking_threads, ss_model_nonblocking,
    ss_model_select, ss_model_poll, ss_model_async_select, ss_model_event_select, ss_model_overlapped,
    ss_model_overlapped_event, ss_model_iocp;

static const ss_model *const models[] = {
    &ss_model_blocking_iterative, &ss_model_blocking_threads, &ss_model_nonblocking, &ss_model_select,
    &ss_model_poll, &ss_model_async_select, &ss_model_event_select, &ss_model_overlapped,
    &ss_model_overlapped_event, &ss_model_iocp,
};
#else
extern const ss_model ss_model_blocking_iterative, ss_model_blocking_threads, ss_model_nonblocking,
    ss_model_select, ss_model_poll;
#ifdef __linux__
extern const ss_model ss_model_epoll, ss_model_event_select;
#endif
#ifdef SS_HAVE_SDL2
extern const ss_model ss_model_async_select;
#elif defined(__linux__)
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

static const ss_model ss_model_async_select = {
    .name = "async-select",
    .family = SS_FAMILY_SYNC,
    .mechanism = "not built: needs SDL2",
    .summary = "WSAAsyncSelect: socket events as window messages",
    .available = no_sdl2,
    .serve = no_serve,
};
#endif
#ifdef SS_HAVE_URING
extern const ss_model ss_model_overlapped, ss_model_iocp, ss_model_io_uring;
#endif

/* in the order of the textbook's table (DESIGN.md) */
static const ss_model *const models[] = {
    &ss_model_blocking_iterative,
    &ss_model_blocking_threads,
    &ss_model_nonblocking,
    &ss_model_select,
    &ss_model_poll,
#ifdef __linux__
    &ss_model_epoll,
#endif
#ifdef __linux__
    &ss_model_async_select,
#endif
#ifdef __linux__
    &ss_model_event_select,
#endif
#ifdef SS_HAVE_URING
    &ss_model_overlapped,
    &ss_model_iocp,
    &ss_model_io_uring,
#endif
};
#endif /* _WIN32 */

const ss_model *const *ss_models(size_t *count)
{
    *count = sizeof models / sizeof models[0];
    return models;
}

const ss_model *ss_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
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
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof models / sizeof models[0] && used < n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", models[i]->name);
}
