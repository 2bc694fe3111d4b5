/* echocheck.h — the echo rules every model keeps (models/model.h), as
 * reusable checks: each runs a model on loopback and fails the test if a
 * byte is lost, changed or reordered, or a rule is broken. The matrix at
 * the end applies every rule to every model and option variant
 * (test_echo.c); a model's own test files add what is particular to it. */
#ifndef SS_ECHOCHECK_H
#define SS_ECHOCHECK_H

#include "testutil.h"

/* Built-in clients, all at once; every request verified, and the server
 * received and sent exactly the bytes the clients sent (and the clients got
 * them back). Returns the trace. */
const char *ec_many_clients(const char *model, const ss_model_opts *mo, int clients, int messages, int size);

/* Tiny server send buffers and client receive buffers (2 KiB), 64 KiB
 * messages: echoes back up while the clients are still sending, and the
 * echo stays byte-exact. Returns the trace. */
const char *ec_tiny_buffers(const char *model, const ss_model_opts *mo);

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

/* Ordinary clients run while another thread keeps opening odd
 * connections (EC_RESETS: half a message, then a reset; EC_HALF_CLOSES: a
 * message, then SHUT_WR, expecting the echo and end of file); afterwards
 * the server still serves a half-closing client and a few ordinary ones. */
enum { EC_RESETS, EC_HALF_CLOSES };
void ec_odd_clients_under_load(const char *model, const ss_model_opts *mo, int kind);

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
/* The rule holds with many clients and with sends that stall (FD_WRITE
 * after short sends): no violation, and FD_READ was reported. */
void ec_reenabling_rule(const char *model, int api);

/* --- the matrix: model x option variant x rule ------------------------------
 * A row is a model with its default options or with one of the option
 * variants echocheck.c lists (epoll --edge-triggered); every available
 * model of the registry has its rows. A rule is one of the checks above,
 * with the workload it uses for a row; some rules apply only to some rows
 * (a completion model finishes its sends in the kernel, so no trace of it
 * shows a send that stalled). ec_matrix builds one cmocka test per row and
 * rule that applies, named "rule/model" or "rule/model[variant]". */
typedef struct ec_row {
    const ss_model *model;
    const char *variant; /* NULL: the defaults */
    ss_model_opts opts;
} ec_row;

/* The tests (malloc'ed, with their names); *n gets their number. Models
 * not available here are said and skipped. */
struct CMUnitTest *ec_matrix(size_t *n);

#endif
