/* probe_win.h — probes for the Winsock and Win32 calls only the Windows
 * models make (WSAAsyncSelect, WSAEventSelect, overlapped WSARecv/WSASend,
 * completion ports, alertable waits, window messages). The portable probes
 * (ss_accept, ss_recv, ss_select, ss_poll = WSAPoll, ss_set_nonblocking =
 * ioctlsocket(FIONBIO), ...) are declared in probe.h and implemented for
 * Winsock in probe_win.c.
 *
 * Sockets travel as int, like everywhere else in sockscope (the trace keeps
 * a 32-bit socket): a SOCKET is a kernel handle, and 64-bit Windows keeps
 * handle values within 32 bits so that they can be shared with 32-bit
 * processes, so the conversion below loses nothing.
 *
 * Conventions of the records (docs/windows.md has the full table):
 * - every call here enters the kernel and is recorded with SS_EV_KERNEL;
 * - an overlapped WSARecv/WSASend is one op_submit event (kernel, async,
 *   aux = recv/send, id = operation id); the completion is one op_complete
 *   event recorded by the thread that took it (aux = recv/send, ret = bytes,
 *   arg = packets still queued on a completion port, else 0);
 * - GetQueuedCompletionStatus, WSAWaitForMultipleEvents, GetMessage and
 *   SleepEx are the waits (may block);
 * - a window message handled by the window procedure is a msg_dispatch
 *   event (aux = FD_* event, arg = its error); the textbook's own
 *   PostMessage re-post is a msg_post event (kernel). */
#ifndef SS_PROBE_WIN_H
#define SS_PROBE_WIN_H

#include <stdint.h>
#include <winsock2.h>
#include <windows.h>

#include "sim/trace/event.h"

static inline SOCKET ss_sock(int fd) { return fd < 0 ? INVALID_SOCKET : (SOCKET)(uintptr_t)(unsigned)fd; }
static inline int ss_fd(SOCKET s) { return s == INVALID_SOCKET ? -1 : (int)(unsigned)(uintptr_t)s; }

/* errno value (as the probes set it) for a Winsock / Win32 error code */
int ss_errno_from_wsa(int wsa);

/* WSAAsyncSelect model */
int  ss_wsa_async_select(int fd, HWND hwnd, UINT msg, long events);
BOOL ss_get_message(MSG *m, HWND hwnd);                 /* GetMessage: the model's wait */
BOOL ss_post_message(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp); /* recorded as msg_post */
void ss_note_dispatch(int fd, unsigned fd_event, int wsa_err); /* the window procedure handles one */

/* WSAEventSelect model (and the overlapped model's events) */
WSAEVENT ss_wsa_create_event(void);
BOOL     ss_wsa_close_event(WSAEVENT ev);
BOOL     ss_wsa_set_event(WSAEVENT ev, int fd);         /* recorded as event_signal (kernel) */
BOOL     ss_wsa_reset_event(WSAEVENT ev, int fd);
int      ss_wsa_event_select(int fd, WSAEVENT ev, long events);
DWORD    ss_wsa_wait_for_multiple_events(DWORD n, const WSAEVENT *evs, BOOL all, DWORD ms, BOOL alertable);
int      ss_wsa_enum_network_events(int fd, WSAEVENT ev, WSANETWORKEVENTS *ne);

/* overlapped I/O: api is SS_API_RECV or SS_API_SEND, id the operation id */
int  ss_wsa_recv(int fd, WSABUF *bufs, DWORD n, DWORD *flags, WSAOVERLAPPED *ov,
                 LPWSAOVERLAPPED_COMPLETION_ROUTINE cr, uint64_t id);
int  ss_wsa_send(int fd, WSABUF *bufs, DWORD n, WSAOVERLAPPED *ov, LPWSAOVERLAPPED_COMPLETION_ROUTINE cr,
                 uint64_t id);
BOOL ss_wsa_get_overlapped_result(int fd, WSAOVERLAPPED *ov, DWORD *bytes, DWORD *flags);
DWORD ss_sleep_ex(DWORD ms, BOOL alertable);             /* the alertable wait */
/* Call first and last in every completion routine / APC. The kernel runs
 * them inside the alertable wait, returning to user mode for each and
 * re-entering after it (NtContinue): the wait is recorded as one SleepEx
 * segment per stretch between routines, each a kernel entry, so time spent
 * running routines is not counted as time blocked. */
void ss_apc_begin(void);
void ss_apc_end(void);
/* A completion taken by this thread: res = bytes, or -1 with wsa_err. */
void ss_note_complete(uint64_t id, int api, int fd, int64_t res, int wsa_err, unsigned depth);
/* One thread hands work to another (QueueUserAPC): recorded as wakeup. */
DWORD ss_queue_user_apc(PAPCFUNC fn, HANDLE thread, ULONG_PTR arg, int woken_index);

/* completion ports */
HANDLE ss_create_io_completion_port(HANDLE file, HANDLE port, ULONG_PTR key, DWORD threads, int fd);
BOOL   ss_get_queued_completion_status(HANDLE port, DWORD *bytes, ULONG_PTR *key, OVERLAPPED **ov, DWORD ms);
BOOL   ss_post_queued_completion_status(HANDLE port, DWORD bytes, ULONG_PTR key, OVERLAPPED *ov);
/* Packets still waiting on the port (NtQueryIoCompletion; not a probed
 * call: it is the instrumentation asking). 0 if unknown. */
unsigned ss_iocp_depth(HANDLE port);

/* "Really waited" on Windows: is it measured here, and how (docs/windows.md). */
int         ss_win_waits_known(void);
const char *ss_win_wait_method(void);

#endif
