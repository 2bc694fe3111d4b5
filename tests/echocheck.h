/* echocheck.h — the echo rules every model keeps (models/model.h), as
 * reusable checks: each runs a model on loopback and fails the test if a
 * byte is lost, changed or reordered, or a rule is broken. */
#ifndef SS_ECHOCHECK_H
#define SS_ECHOCHECK_H

#include "testutil.h"

/* Built-in clients, all at once; every request verified, and the server
 * received and sent exactly the bytes the clients sent. Returns the trace. */
const char *ec_many_clients(const char *model, const ss_model_opts *mo, int clients, int messages, int size);

/* 4 KiB socket buffers on both ends, a 64 KiB message written by one
 * thread and read back by another that, before each 4 KiB, waits until
 * nothing more arrives: the server's sends cannot take every byte. The
 * echo must stay byte-exact, and the trace must show the server stalled on
 * sending (ec_send_stalls). */
const char *ec_partial_sends(const char *model, const ss_model_opts *mo); /* returns the trace */

/* A client sends half a message, sees it echoed, and resets (RST). The
 * server survives; other clients, connected before and after, are served.
 * concurrent = 0 for servers that serve one client at a time. */
void ec_reset_midmessage(const char *model, const ss_model_opts *mo, int concurrent);

/* A client sends a multi-chunk message and half-closes (SHUT_WR): it must
 * still get every byte back, then EOF. */
void ec_half_close(const char *model, const ss_model_opts *mo);

/* How often a server thread could not send at once, in a trace of one
 * connection: sends that came back short or would-block, blocking sends that
 * really waited, and waits (select/poll/...) that really slept while the
 * thread held received bytes not yet echoed — with one connection, that is a
 * wait for writability. */
long ec_send_stalls(const char *trace);

/* Winsock's re-enabling rule (models/netevent.h) in a trace of async-select
 * or event-select. The notifier thread reports network events with `api`
 * (SS_API_MSG_POST or SS_API_EVENT_SIGNAL, events in aux); per socket there
 * must never be two FD_READ reports without a recv on it in between, nor two
 * FD_WRITE without a send, two FD_ACCEPT without an accept, or two FD_CLOSE.
 * Returns the violations; *reads gets the number of FD_READ reports. */
long ec_reenable_violations(const char *trace, int api, long *reads);

#endif
