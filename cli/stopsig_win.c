#include "cli/stopsig.h"

#include <string.h>
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

/* The console's end (Ctrl-C, closing) during an export: remove the half
 * output. Best effort: the handler asks for the file to be deleted when its
 * last handle closes (ending the process closes ours); Windows refuses when
 * a handle open without FILE_SHARE_DELETE is in the way (the C runtime's
 * may be), and then the .partial file stays. */
static char remove_path[MAX_PATH];

static BOOL WINAPI remove_on_ctrl(DWORD type)
{
    (void)type;
    if (remove_path[0]) {
        HANDLE h = CreateFileA(remove_path, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               OPEN_EXISTING, FILE_FLAG_DELETE_ON_CLOSE, NULL);
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
    }
    return FALSE; /* then the default: the process ends */
}

void ss_stopsig_remove_on_stop(const char *path)
{
    SetConsoleCtrlHandler(remove_on_ctrl, FALSE);
    remove_path[0] = 0;
    if (!path || strlen(path) >= sizeof remove_path)
        return;
    memcpy(remove_path, path, strlen(path) + 1);
    SetConsoleCtrlHandler(remove_on_ctrl, TRUE);
}
