/* ss_compat.h — force-included into every C file of the Windows build
 * (cmake/windows.cmake: -include). It brings Winsock in first, in the order
 * Winsock wants, and fills the few POSIX gaps mingw-w64 leaves, so that the
 * portable files (recorder, reader, stats, exporters, workload, net, cli)
 * compile unchanged. Everything that really differs — sockets, the clock,
 * the stop signal, the models — lives in *_win.c files instead.
 *
 * The shim headers beside this one (sys/socket.h, poll.h, netdb.h, ...)
 * exist only because mingw-w64 has no such headers; each just includes this. */
#ifndef SS_COMPAT_WIN_H
#define SS_COMPAT_WIN_H

#ifdef _WIN32

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: WSAPoll, inet_pton, CancelIoEx, precise time */
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
/* FD_SETSIZE stays Winsock's default, 64 — the textbook's limit. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <direct.h>
#include <errno.h>
#include <io.h>
#include <string.h>
#include <sys/types.h>

/* POSIX names Winsock spells differently. */
#ifndef SHUT_RD
#define SHUT_RD SD_RECEIVE
#define SHUT_WR SD_SEND
#define SHUT_RDWR SD_BOTH
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* Winsock never raises SIGPIPE */
#endif
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0 /* not in Winsock: non-blocking is per socket (FIONBIO) */
#endif
typedef ULONG nfds_t;

/* winpthreads has the non-portable tryjoin under another name. */
#define pthread_tryjoin_np _pthread_tryjoin

/* mkdir(path, mode): the CRT's takes no mode. */
#define mkdir(path, mode) _mkdir(path)
/* a fresh private directory from a template ending in XXXXXX (mkdtemp_win.c) */
char *mkdtemp(char *tmpl);

/* strerror() of msvcrt knows only errno values below 43; the probes map
 * Winsock errors onto POSIX errno values (EWOULDBLOCK, ECONNRESET, ...), so
 * give those their names (strerror_win.c). */
const char *ss_win_strerror(int e);
#define strerror(e) ((char *)ss_win_strerror(e))

#endif /* _WIN32 */
#endif
