/* server.h — run a model as a server on its own thread, and stop it. */
#ifndef SS_SERVER_H
#define SS_SERVER_H

#include "models/model.h"

typedef struct ss_server_handle ss_server_handle;

/* Starts the model's thread (registered as "server", named after the
 * model), which listens on host:port — the program's socket/bind/listen —
 * and runs serve(); returns once it listens, or NULL with err. */
ss_server_handle *ss_server_start(const ss_model *m, const ss_model_opts *opts, const char *host,
                                  int port, int *bound_port, char *err, size_t n);
ss_server *ss_server_state(ss_server_handle *h);
/* Request stop: sets the flag, signals stop_fd, shuts the listening socket
 * down so a thread blocked in accept() returns. Call from a normal thread
 * (it records the shutdown), not from a signal handler. */
void ss_server_request_stop(ss_server_handle *h);
/* Waits for serve() to return (the server thread closes its listener);
 * returns serve()'s result. */
int ss_server_join(ss_server_handle *h);

/* Where a run is recorded: the first run parameters of every run, set by
 * the runner and by serve (docs/trace-format.md, "Where a run was recorded"):
 *   platform  "linux 6.1.0-18-amd64", "windows 10.0.19045", "wine 8.0"
 *   winsock   "real" (the model calls Winsock: Windows, or Wine's Winsock),
 *             "stand-in" (a Linux model playing a Windows-only one:
 *             async-select, event-select, overlapped, iocp), "none"
 *   waits     "measured", "unknown" (this platform cannot tell whether a
 *             blocking call slept: Wine), "off" (--no-wait-detect)
 * The strings stay valid until the process ends. */
typedef struct ss_origin {
    const char *platform, *winsock, *waits;
} ss_origin;
void ss_server_origin(const ss_model *m, ss_origin *o); /* m NULL: clients only (`load`) */

#endif
