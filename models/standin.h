/* standin.h — Windows event-object calls as the Linux stand-ins make them
 * (event-select, overlapped with events). Each is recorded as the Windows
 * call (SS_EV_STANDIN, named WSACreateEvent, WSAWaitForMultipleEvents, ...)
 * over the Linux call that plays it, which is recorded as emulation: an
 * event object is an eventfd, signalled by write(2), reset by read(2), and
 * WSAWaitForMultipleEvents is poll(2) on at most 64 of them. */
#ifndef SS_STANDIN_H
#define SS_STANDIN_H

#include <poll.h>

int ss_sw_create_event(void);            /* WSACreateEvent: an eventfd, or -1 */
int ss_sw_close_event(int ev, int sock); /* WSACloseEvent */
int ss_sw_set_event(int ev, int sock);   /* WSASetEvent (recorded as event_signal, as on Windows) */
int ss_sw_reset_event(int ev, int sock); /* WSAResetEvent */
/* WSAWaitForMultipleEvents(n, events, FALSE, timeout, FALSE) over the
 * eventfds in pf (revents filled). A timeout_ms < 0 waits as long as it
 * takes (WSA_INFINITE). Returns the lowest signalled index, or -1. */
int ss_sw_wait_events(struct pollfd *pf, int n, int timeout_ms);

#endif
