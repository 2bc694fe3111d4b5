/* wsaio_win.h — the textbook's overlapped socket step, shared by the
 * Windows overlapped, overlapped-event and iocp servers: one operation at a
 * time, WSASend of what is not yet echoed, else WSARecv into the buffer. */
#ifndef SS_WIN_WSAIO_H
#define SS_WIN_WSAIO_H

#include <stdint.h>
#include <winsock2.h>

#include "models/model.h"

typedef struct ss_wsa_io {
    int sock;
    char buf[SS_BUFSIZE + 1];
    int recvbytes, sendbytes;
    WSABUF wsabuf;
    int op_api;        /* SS_API_RECV / SS_API_SEND in flight */
    uint64_t op_id;
} ss_wsa_io;

/* Posts the next operation as operation op_id on ov (cleared; its hEvent
 * kept), completing through routine cr (NULL: the event or the port).
 * 0 when posted or pending, -1 on an error. */
int ss_wsa_post_next(ss_wsa_io *io, WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, uint64_t op_id);

/* The textbook's data-transfer bookkeeping after an operation moved
 * `bytes` (> 0): a receive fills the buffer (and the request's CPU work
 * runs), a send echoes part of it; once all is echoed, the next operation
 * is a receive. */
void ss_wsa_io_done(ss_wsa_io *io, ss_server *s, DWORD bytes);

#endif
