#include <stdio.h>
#include <string.h>

#include "models/model.h"

/* Each model file defines one `const ss_model ss_model_<name>`. Platform-only
 * files are compiled per OS by CMake, hence the guards. */
#ifdef _WIN32
/* Windows: the textbook's servers on real Winsock (models/win_*.c), under the
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
extern const ss_model ss_model_blocking_threads, ss_model_select;
#ifdef __linux__
extern const ss_model ss_model_epoll;
#endif
#ifdef SS_HAVE_URING
extern const ss_model ss_model_io_uring;
#endif

static const ss_model *const models[] = {
    &ss_model_blocking_threads,
    &ss_model_select,
#ifdef __linux__
    &ss_model_epoll,
#endif
#ifdef SS_HAVE_URING
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
