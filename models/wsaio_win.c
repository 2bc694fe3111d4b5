#include "models/wsaio_win.h"

#include "sim/probe/probe.h"
#include "sim/probe/probe_win.h"

int ss_wsa_post_next(ss_wsa_io *io, WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, uint64_t op_id)
{
    WSAEVENT ev = ov->hEvent;
    ZeroMemory(ov, sizeof *ov);
    ov->hEvent = ev;
    io->op_id = op_id;
    int r;
    if (io->recvbytes > io->sendbytes) {
        io->wsabuf.buf = io->buf + io->sendbytes;
        io->wsabuf.len = (ULONG)(io->recvbytes - io->sendbytes);
        io->op_api = SS_API_SEND;
        r = ss_wsa_send(io->sock, &io->wsabuf, 1, ov, cr, op_id);
    } else {
        io->wsabuf.buf = io->buf;
        io->wsabuf.len = SS_BUFSIZE;
        io->op_api = SS_API_RECV;
        DWORD flags = 0;
        r = ss_wsa_recv(io->sock, &io->wsabuf, 1, &flags, ov, cr, op_id);
    }
    return r == SOCKET_ERROR && WSAGetLastError() != WSA_IO_PENDING ? -1 : 0;
}

void ss_wsa_io_done(ss_wsa_io *io, ss_server *s, DWORD bytes)
{
    if (io->recvbytes == 0) {
        io->recvbytes = (int)bytes;
        io->sendbytes = 0;
        ss_cpu_work(io->sock, s->opts.cpu_work_us);
    } else {
        io->sendbytes += (int)bytes;
    }
    if (io->recvbytes <= io->sendbytes)
        io->recvbytes = 0; /* all echoed */
}
