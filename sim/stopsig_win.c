#include "sim/stopsig.h"

#include <windows.h>

/* The console control handler runs on a thread the system creates for it:
 * it only sets an event, and the thread waiting in ss_stopsig_wait does the
 * stopping. Returning TRUE for CTRL_CLOSE_EVENT gives us the few seconds
 * Windows allows to write the trace before the process is ended. */
static HANDLE stop_event;

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT:
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        if (stop_event)
            SetEvent(stop_event);
        /* closing: the process ends when this returns, so give serve the
         * time to write the trace (it exits sooner when done) */
        if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT)
            Sleep(4500);
        return TRUE;
    default:
        return FALSE;
    }
}

void ss_stopsig_init(void)
{
    if (!stop_event)
        stop_event = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
}

int ss_stopsig_wait(int ms)
{
    if (!stop_event) {
        Sleep((DWORD)ms);
        return 0;
    }
    return WaitForSingleObject(stop_event, (DWORD)ms) == WAIT_OBJECT_0;
}

void ss_stopsig_ignore_sigpipe(void) {} /* Winsock has no SIGPIPE */
