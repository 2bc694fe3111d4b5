/* model_win.h — what the Windows models add to model.h: how a model is
 * woken when stop is requested. On Linux every model watches stop_fd (a
 * pipe); the textbook's Windows servers wait in calls that watch no pipe
 * (blocking accept, GetMessage, GetQueuedCompletionStatus, an alertable
 * SleepEx), so each Windows model registers the wake-up that fits its wait:
 * a message posted to its window, a null packet on its port, an APC... The
 * default, for models that wait on the listening socket (blocking accept,
 * select, WSAPoll, FD_ACCEPT events), is one loopback connection to the
 * listener, which the model accepts, sees `stopping`, and closes.
 * On Windows stop_fd is -1. (models/stop_win.c) */
#ifndef SS_MODEL_WIN_H
#define SS_MODEL_WIN_H

#include "models/model.h"

typedef void (*ss_win_stop_fn)(ss_server *s, void *arg);

/* Register (fn) or clear (NULL) the model's wake-up. Clearing waits for a
 * wake-up in progress to finish, so a model clears it before it frees what
 * the wake-up touches. The wake-up runs on the thread that asked to stop,
 * after `stopping` is set. */
void ss_win_on_stop(ss_server *s, ss_win_stop_fn fn, void *arg);

/* Connect once to the listener (and close): a model blocked in accept,
 * select or WSAPoll on it, or waiting for its FD_ACCEPT, wakes up. */
void ss_win_wake_accept(ss_server *s);

/* accept + count the connection; -1 (with the socket closed) when the
 * connection arrived after stop was requested — the wake-up itself. */
int ss_win_accept(ss_server *s);

/* --- the server's side (sim/run/server_win.c) -------------------------------- */
int ss_win_stop_init(ss_server *s);     /* before serve(): 0, or -1 when out of memory */
void ss_win_stop_request(ss_server *s); /* once `stopping` is set: the registered wake-up, else the default */
void ss_win_stop_free(ss_server *s);    /* after serve() has returned */

#endif
