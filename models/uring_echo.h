/* uring_echo.h — the textbook's echo step (model.h's ss_echo) as io_uring
 * operations, for the models built on io_uring (io_uring, overlapped,
 * iocp). */
#ifndef SS_URING_ECHO_H
#define SS_URING_ECHO_H

#include <liburing.h>
#include <sys/socket.h>

#include "models/model.h"
#include "sim/trace/event.h"

/* Prepare the echo operation `api` (SS_API_RECV into the buffer, or
 * SS_API_SEND of what is still to be echoed) on fd; returns its length.
 * The caller sets the SQE's user data and records the submission: an
 * op_submit (ss_uring_note_submit), or a stand-in's WSARecv/WSASend. */
static inline unsigned ss_uring_prep_echo(struct io_uring_sqe *sqe, ss_echo *e, int fd, int api)
{
    char *buf;
    unsigned len;
    ss_echo_span(e, api, &buf, &len);
    if (api == SS_API_RECV)
        io_uring_prep_recv(sqe, fd, buf, len, 0);
    else
        io_uring_prep_send(sqe, fd, buf, len, MSG_NOSIGNAL);
    return len;
}

#endif
