/* strerror_win.c — ss_compat.h's strerror for the errno values the probes
 * map Winsock errors onto (msvcrt's strerror knows only those below 43). */
#include <errno.h>
#include <string.h>

#undef strerror /* ss_compat.h routes strerror here; the CRT's is the fallback */

const char *ss_win_strerror(int e)
{
    switch (e) {
    case EWOULDBLOCK: return "operation would block (WSAEWOULDBLOCK)";
    case EINPROGRESS: return "operation in progress";
    case ECONNRESET: return "connection reset by peer";
    case ECONNABORTED: return "connection aborted";
    case ECANCELED: return "operation cancelled";
    case ETIMEDOUT: return "timed out";
    case ECONNREFUSED: return "connection refused";
    case EADDRINUSE: return "address already in use";
    case EADDRNOTAVAIL: return "address not available";
    case ENOTCONN: return "socket not connected";
    case ENOBUFS: return "no buffer space";
    case EIO: return "Winsock error";
    default: return strerror(e);
    }
}
