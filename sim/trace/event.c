#include "sim/trace/event.h"

#include <errno.h>
#include <string.h>

static const char *const api_names[SS_API_COUNT] = {
    [SS_API_SOCKET] = "socket", [SS_API_BIND] = "bind", [SS_API_LISTEN] = "listen",
    [SS_API_ACCEPT] = "accept", [SS_API_CONNECT] = "connect", [SS_API_RECV] = "recv",
    [SS_API_SEND] = "send", [SS_API_CLOSE] = "close", [SS_API_SHUTDOWN] = "shutdown",
    [SS_API_SETSOCKOPT] = "setsockopt", [SS_API_GETSOCKNAME] = "getsockname",
    [SS_API_FCNTL] = "fcntl", [SS_API_IOCTL] = "ioctl",
    [SS_API_SELECT] = "select", [SS_API_POLL] = "poll", [SS_API_EPOLL_CREATE] = "epoll_create",
    [SS_API_EPOLL_CTL] = "epoll_ctl", [SS_API_EPOLL_WAIT] = "epoll_wait",
    [SS_API_URING_ENTER] = "io_uring_enter", [SS_API_URING_SETUP] = "io_uring_setup",
    [SS_API_OP_SUBMIT] = "op_submit", [SS_API_OP_COMPLETE] = "op_complete",
    [SS_API_REQUEST] = "request", [SS_API_CPU_WORK] = "cpu_work", [SS_API_MSG_POST] = "msg_post",
    [SS_API_MSG_DISPATCH] = "msg_dispatch", [SS_API_EVENT_SIGNAL] = "event_signal",
    [SS_API_REFUSED] = "refused", [SS_API_WAKEUP] = "wakeup",
    [SS_API_FUTEX_WAIT] = "futex_wait", [SS_API_FUTEX_WAKE] = "futex_wake",
    [SS_API_EVENT_CREATE] = "event_create", [SS_API_EVENT_SET] = "event_set",
    [SS_API_EVENT_RESET] = "event_reset", [SS_API_EVENT_CLOSE] = "event_close",
    [SS_API_PACKET_POST] = "packet_post", [SS_API_ROUTINE] = "routine",
    [SS_API_ENUM_EVENTS] = "enum_network_events", [SS_API_TRACE_WAIT] = "trace_wait", [SS_API_FD_SETS] = "fd_sets",
    [SS_API_WSA_ASYNC_SELECT] = "WSAAsyncSelect", [SS_API_GET_MESSAGE] = "GetMessage",
    [SS_API_WSA_CREATE_EVENT] = "WSACreateEvent", [SS_API_WSA_CLOSE_EVENT] = "WSACloseEvent",
    [SS_API_WSA_EVENT_SELECT] = "WSAEventSelect", [SS_API_WSA_WAIT] = "WSAWaitForMultipleEvents",
    [SS_API_WSA_ENUM_EVENTS] = "WSAEnumNetworkEvents", [SS_API_WSA_GET_OVERLAPPED] = "WSAGetOverlappedResult",
    [SS_API_SLEEP_EX] = "SleepEx", [SS_API_IOCP_CREATE] = "CreateIoCompletionPort",
    [SS_API_IOCP_GET] = "GetQueuedCompletionStatus", [SS_API_IOCP_POST] = "PostQueuedCompletionStatus",
    [SS_API_WSA_RESET_EVENT] = "WSAResetEvent",
};

const char *ss_api_name(int api)
{
    return api > 0 && api < SS_API_COUNT && api_names[api] ? api_names[api] : "?";
}

int ss_api_from_name(const char *name)
{
    for (int i = 1; i < SS_API_COUNT; i++)
        if (api_names[i] && strcmp(api_names[i], name) == 0)
            return i;
    return -1;
}

int ss_api_is_kernel(int api)
{
    return (api >= SS_API_SOCKET && api <= SS_API_IOCTL) || (api >= SS_API_SELECT && api <= SS_API_EPOLL_WAIT) ||
           api == SS_API_URING_ENTER || api == SS_API_URING_SETUP ||
           (api >= SS_API_FUTEX_WAIT && api <= SS_API_EVENT_CLOSE) || api == SS_API_ENUM_EVENTS ||
           (api >= SS_API_WSA_ASYNC_SELECT && api <= SS_API_WSA_RESET_EVENT);
}

/* Socket calls are the textbook's calls on sockets and socket sets, and the
 * socket operations handed to the kernel asynchronously (an io_uring SQE, a
 * WSARecv): one each, whether or not it entered the kernel. Ring entries,
 * futexes, event objects, message and completion-port waits enter the
 * kernel but are not socket calls (stats count them as transitions only). */
int ss_api_is_socket_call(int api)
{
    return (api >= SS_API_SOCKET && api <= SS_API_IOCTL) || (api >= SS_API_SELECT && api <= SS_API_EPOLL_WAIT) ||
           api == SS_API_OP_SUBMIT || api == SS_API_WSA_ASYNC_SELECT || api == SS_API_WSA_EVENT_SELECT ||
           api == SS_API_WSA_ENUM_EVENTS || api == SS_API_WSA_GET_OVERLAPPED;
}

static const char *const err_names[] = {
    "", "EWOULDBLOCK", "ECONNRESET", "EPIPE", "EINTR", "EINVAL", "ETIMEDOUT", "ECONNREFUSED",
    "EADDRINUSE", "EBADF", "ENOTCONN", "EMFILE", "ENOBUFS", "ECANCELED", "EOTHER",
};

const char *ss_err_name(int err)
{
    return err >= 0 && err <= SS_E_OTHER ? err_names[err] : "EOTHER";
}

int ss_err_from_errno(int e)
{
    switch (e) {
    case 0: return SS_E_OK;
    case EAGAIN: return SS_E_WOULDBLOCK;
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return SS_E_WOULDBLOCK;
#endif
    case EINPROGRESS: return SS_E_WOULDBLOCK;
    case ECONNRESET: return SS_E_CONNRESET;
    case EPIPE: return SS_E_PIPE;
    case EINTR: return SS_E_INTR;
    case EINVAL: return SS_E_INVAL;
    case ETIMEDOUT: return SS_E_TIMEDOUT;
    case ECONNREFUSED: return SS_E_CONNREFUSED;
    case EADDRINUSE: return SS_E_ADDRINUSE;
    case EBADF: return SS_E_BADF;
    case ENOTCONN: return SS_E_NOTCONN;
    case EMFILE: case ENFILE: return SS_E_MFILE;
    case ENOBUFS: case ENOMEM: return SS_E_NOBUFS;
    case ECANCELED: return SS_E_CANCELED;
    default: return SS_E_OTHER;
    }
}

const char *ss_role_name(int role)
{
    switch (role) {
    case SS_ROLE_SERVER: return "server";
    case SS_ROLE_CLIENT: return "client";
    case SS_ROLE_CONTROL: return "control";
    case SS_ROLE_RELAY: return "relay";
    case SS_ROLE_EMUL: return "emulation";
    default: return "?";
    }
}

const char *ss_event_name(int api, int aux, int flags)
{
    /* On Windows an overlapped WSARecv/WSASend is an op_submit that entered
     * the kernel; a stand-in's modelled one is flagged SS_EV_STANDIN. */
    if (api == SS_API_OP_SUBMIT && (flags & (SS_EV_KERNEL | SS_EV_STANDIN))) {
        if (aux == SS_API_RECV) return "WSARecv";
        if (aux == SS_API_SEND) return "WSASend";
    }
    return ss_api_name(api);
}
