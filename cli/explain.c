#include "cli/explain.h"

#include <string.h>

#include "models/model.h"
#include "render/ui_text.h" /* the mechanism lines in Korean, as the viewer shows them */
#include "sim/base/textwrap.h"

/* The texts live here, compiled in, so that `sockscope explain` works from
 * any directory. The textbook's own sentences (tables 11-1 to 11-4 and
 * section 05's comparison) are kept close to the book's Korean; the English
 * follows them. Texts for what the chapter does not compare are ours and
 * say so in their source line. */

enum { EN = 0, KO = 1, NLANG = 2, MAXITEMS = 3 };

typedef struct text {
    const char *title, *source, *how;
    const char *pros[MAXITEMS], *cons[MAXITEMS];
} text;

typedef struct entry {
    const char *model;
    const char *windows;     /* the real Windows calls: API names only, read in any language */
    const char *req;         /* the four requirements: y yes, n no, p partly */
    int returns;             /* print table 11-1 (blocking calls) */
    text t[NLANG];
} entry;

typedef struct labels {
    const char *source, *windows, *versions, *here, *standin, *absent, *how, *returns, *pros, *cons, *req, *reqs[4],
        *answer[3];
    const char *table11_1[4];
} labels;

/* clang-format off */
static const labels L[NLANG] = {
    [EN] = {"Source", "Windows API", "Windows versions (table 11-5)", "On this machine",
            "On Linux, a stand-in", "not in this build",
            "How it works", "When the blocking calls return (table 11-1)", "Advantages", "Disadvantages",
            "Requirements of an ideal model (section 05)",
            {"minimise blocking", "keep the thread count bounded", "overlap CPU work with I/O",
             "minimise user/kernel mode transitions"},
            {"yes", "no", "partly"},
            {"accept(): when a client has connected (TCP).",
             "connect(): when the connection to the server has succeeded (TCP).",
             "send(): when all the data the application asked to send has been copied into the socket send buffer.",
             "recv(): when at least one byte has arrived in the socket receive buffer and has been copied into the "
             "application's buffer (TCP)."}},
    [KO] = {"출처", "윈도우 API", "윈도우 운영체제 지원 (표 11-5)", "이 시스템에서",
            "리눅스에서는 대역", "이 빌드에는 없음",
            "동작 원리", "블로킹 소켓 함수의 리턴 조건 (표 11-1)", "장점", "단점",
            "이상적인 소켓 입출력 모델에 요구되는 사항 (05절)",
            {"소켓 함수 호출 시 블로킹을 최소화", "스레드 개수를 일정 수준으로 유지", "CPU 명령 수행과 입출력 작업을 병행",
             "유저 모드와 커널 모드 전환 횟수를 최소화"},
            {"만족", "불만족", "부분적으로 만족"},
            {"accept(): 접속한 클라이언트가 있을 때 (TCP 소켓)",
             "connect(): 서버에 접속이 성공했을 때 (TCP 소켓)",
             "send(): 응용 프로그램이 전송을 요청한 데이터를 소켓 송신 버퍼에 모두 복사했을 때",
             "recv(): 소켓 수신 버퍼에 도착한 데이터가 1바이트 이상 있어서 이를 응용 프로그램이 제공한 버퍼에 "
             "복사했을 때 (TCP 소켓)"}},
};
/* clang-format on */

/* clang-format off */
static const entry entries[] = {
{"blocking-iterative", "accept(), recv(), send()", "nynn", 1, {
 [EN] = {"Blocking sockets, iterative server", "textbook table 11-3",
         "One thread accepts a client and serves it with blocking recv()/send() until it leaves, and only then "
         "accepts the next client: clients are handled one at a time. A blocking call does not return until its "
         "condition holds; meanwhile the thread is stopped.",
         {"It is implemented with one thread, so it uses few system resources."},
         {"If one client takes long, the other clients wait longer."}},
 [KO] = {"블로킹 소켓, 반복 서버", "교재 표 11-3",
         "스레드 하나가 클라이언트 하나를 accept()해서 그 클라이언트가 접속을 끊을 때까지 블로킹 recv()/send()로 "
         "처리한 다음에야 다음 클라이언트를 accept()한다. 즉 여러 클라이언트를 한 번에 하나씩 처리한다. 블로킹 소켓 "
         "함수는 조건을 만족하지 않으면 리턴하지 않고 스레드 실행이 정지한다.",
         {"한 개의 스레드로 구현하므로 시스템 자원 소모가 적다."},
         {"한 클라이언트의 처리 시간이 길어지면 다른 클라이언트의 대기 시간이 길어진다."}}}},
{"blocking-threads", "accept() + CreateThread(), recv(), send()", "nnnn", 1, {
 [EN] = {"Blocking sockets, concurrent server (a thread per client)", "textbook table 11-4",
         "The main thread accepts clients with a blocking accept() and starts one thread per client; each thread "
         "serves its own client with blocking recv()/send(). Clients are handled at the same time.",
         {"A client that takes long does not affect how long the other clients wait."},
         {"It creates many threads, so it uses a lot of system resources."}},
 [KO] = {"블로킹 소켓, 병행 서버 (클라이언트마다 스레드)", "교재 표 11-4",
         "메인 스레드가 블로킹 accept()로 클라이언트의 접속을 받고 클라이언트마다 스레드를 하나씩 생성한다. 각 "
         "스레드는 자기 클라이언트를 블로킹 recv()/send()로 처리한다. 여러 클라이언트를 동시에 처리한다.",
         {"한 클라이언트의 처리 시간이 길어지더라도 다른 클라이언트의 대기 시간에 영향을 주지 않는다."},
         {"스레드를 여러 개 생성하여 구현하므로 시스템 자원 소모가 크다."}}}},
{"nonblocking", "ioctlsocket(FIONBIO), WSAEWOULDBLOCK", "yynn", 0, {
 [EN] = {"Non-blocking sockets", "textbook table 11-2 (NonblockTCPServer)",
         "ioctlsocket(FIONBIO) switches a socket to non-blocking mode (ioctl(FIONBIO) on Linux). A call whose "
         "condition does not hold returns at once with an error, usually WSAEWOULDBLOCK (EWOULDBLOCK), which "
         "means: call again later. One thread goes round its sockets, retrying.",
         {"Socket calls always return, so a thread is never stopped for a long time because a condition does not "
          "hold: no deadlock.",
          "Without multithreading, one thread can handle the I/O of many sockets in turn.",
          "If needed, it can do other work, unrelated to the sockets, in between."},
         {"Every socket call's error code, such as WSAEWOULDBLOCK, must be checked and handled, so the program "
          "structure gets complicated.",
          "CPU usage is much higher than with blocking sockets."}},
 [KO] = {"넌블로킹 소켓", "교재 표 11-2 (NonblockTCPServer)",
         "ioctlsocket(FIONBIO) 함수로 소켓을 넌블로킹 모드로 바꾼다(리눅스에서는 ioctl(FIONBIO)). 조건을 만족하지 "
         "않은 소켓 함수는 곧바로 오류를 리턴하며, 대개 오류 코드는 WSAEWOULDBLOCK(EWOULDBLOCK)이므로 나중에 다시 "
         "호출하면 된다. 스레드 하나가 여러 소켓을 돌아가면서 다시 호출한다.",
         {"소켓 함수 호출 시 항상 리턴하므로 조건을 만족하지 않아 스레드가 오랜 시간 정지하는 상황, 즉 교착 "
          "상태(deadlock)가 생기지 않는다.",
          "멀티스레드를 사용하지 않고도 여러 소켓에 대해 돌아가면서 입출력을 처리할 수 있다.",
          "필요하다면 중간에 소켓과 직접 관계가 없는 다른 작업을 할 수도 있다."},
         {"소켓 함수를 호출할 때마다 WSAEWOULDBLOCK과 같은 오류 코드를 확인하고 처리해야 하므로 프로그램 구조가 "
          "복잡해진다.",
          "블로킹 소켓을 사용한 경우보다 CPU 사용률이 훨씬 높다."}}}},
{"select", "select(), fd_set, FD_SETSIZE = 64", "yynn", 0, {
 [EN] = {"Select model", "textbook section 02 and 05 (SelectTCPServer)",
         "select() tells in advance when a socket call can succeed. Read set: a client to accept(), data to "
         "recv(), or the peer closed (recv() returns 0). Write set: room in the send buffer for send(). Exception "
         "set: OOB data arrived (table 11-6). Whatever the socket mode, one thread handles many sockets: empty "
         "the sets, put the sockets in (at most FD_SETSIZE, 64 on Windows), call select(), handle every socket "
         "left in the sets, repeat.",
         {"It works on every Windows version and on UNIX/Linux too, so it is highly portable."},
         {"A thread can handle at most 64 sockets.",
          "(Beyond the book) the sets are rebuilt and scanned on every call, so each wait costs in proportion to "
          "the number of sockets."}},
 [KO] = {"Select 모델", "교재 02절, 05절 (SelectTCPServer)",
         "select() 함수를 이용하면 소켓 함수 호출이 성공할 수 있는 시점을 미리 알 수 있다. 읽기 셋: 접속한 "
         "클라이언트가 있어 accept()를 호출할 수 있거나, 수신 버퍼에 데이터가 있어 recv()를 호출할 수 있거나, 상대가 "
         "연결을 종료해 recv()가 0을 리턴한다. 쓰기 셋: 송신 버퍼의 여유 공간이 충분해 send()를 호출할 수 있다. 예외 "
         "셋: OOB 데이터가 도착했다(표 11-6). 소켓 모드와 관계없이 한 스레드로 여러 소켓을 처리한다. 소켓 셋을 "
         "비우고, 소켓을 넣고(최대 FD_SETSIZE, 윈도우는 64개), select()를 호출하고, 셋에 남아 있는 모든 소켓을 "
         "처리하는 과정을 반복한다.",
         {"모든 윈도우 운영체제는 물론, 유닉스/리눅스 운영체제에서도 사용할 수 있으므로 이식성이 높다."},
         {"스레드당 처리할 수 있는 소켓의 개수가 64개로 제한되어 있다.",
          "(교재 밖) 호출할 때마다 소켓 셋을 다시 만들고 검사하므로 대기 비용이 소켓 개수에 비례한다."}}}},
{"poll", "WSAPoll()", "yynn", 0, {
 [EN] = {"poll model", "beyond this chapter (the Linux chapter's PollTCPServer); our text",
         "poll() takes an array of pollfd entries (a socket and the events of interest) and returns with each "
         "entry's revents filled in. The same idea as select(), but the array has no fixed size limit and the "
         "call does not destroy the list of interests.",
         {"No FD_SETSIZE limit, and the array need not be rebuilt before every call.",
          "Available on UNIX/Linux, and on Windows as WSAPoll()."},
         {"The kernel checks every socket in the array on every call and the program scans the whole array, so "
          "the cost grows with the number of sockets, ready or not.",
          "Still synchronous I/O: after the wait, recv()/send() are separate calls."}},
 [KO] = {"poll 모델", "이 장 밖의 내용 (리눅스 장의 PollTCPServer), 교재에 없는 설명",
         "poll() 함수는 pollfd 구조체 배열(소켓과 관심 있는 이벤트)을 받아 각 항목의 revents를 채워서 리턴한다. "
         "select()와 같은 원리지만 배열 크기에 고정된 제한이 없고, 호출해도 관심 목록이 지워지지 않는다.",
         {"FD_SETSIZE 같은 제한이 없고 호출할 때마다 배열을 다시 만들 필요가 없다.",
          "유닉스/리눅스에서 사용할 수 있고 윈도우에서도 WSAPoll() 함수로 사용할 수 있다."},
         {"호출할 때마다 커널이 배열의 모든 소켓을 검사하고 프로그램도 배열 전체를 훑어야 하므로, 준비된 소켓이 "
          "적어도 비용이 소켓 개수에 비례해 커진다.",
          "여전히 동기 입출력이므로 기다린 뒤에 recv()/send()를 따로 호출해야 한다."}}}},
{"epoll", "— (Linux)", "yynn", 0, {
 [EN] = {"epoll model", "beyond this chapter (the Linux chapter's EPollTCPServer); our text",
         "Sockets are registered once with an epoll instance (epoll_ctl()); epoll_wait() returns only the "
         "sockets that are ready. Level-triggered: a socket is reported as long as its condition holds. "
         "Edge-triggered (EPOLLET): it is reported once per change, so the program must read or write until "
         "EWOULDBLOCK.",
         {"A wait costs in proportion to the ready sockets, not to the watched ones, so one thread can handle "
          "thousands of connections."},
         {"Linux only.",
          "Still readiness notification (synchronous I/O): recv()/send() are separate system calls after the "
          "wake-up, so there is more than one user/kernel transition per request.",
          "Edge-triggered code must be written carefully or a socket stalls."}},
 [KO] = {"epoll 모델", "이 장 밖의 내용 (리눅스 장의 EPollTCPServer), 교재에 없는 설명",
         "소켓을 epoll 인스턴스에 한 번만 등록하면(epoll_ctl()) epoll_wait()는 준비된 소켓만 돌려준다. 레벨 "
         "트리거는 조건을 만족하는 동안 계속 알려 주고, 에지 트리거(EPOLLET)는 상태가 바뀔 때 한 번만 알려 주므로 "
         "프로그램이 EWOULDBLOCK이 날 때까지 읽거나 써야 한다.",
         {"대기 비용이 감시하는 소켓 수가 아니라 준비된 소켓 수에 비례하므로 한 스레드로 수천 개의 연결을 처리할 수 "
          "있다."},
         {"리눅스 전용이다.",
          "여전히 준비 상태를 알려 주는 동기 입출력이므로 알림을 받은 뒤 recv()/send()를 따로 호출해야 하고, "
          "요청당 유저 모드와 커널 모드 전환이 한 번보다 많다.",
          "에지 트리거 코드는 주의해서 작성하지 않으면 소켓이 멈춘다."}}}},
{"async-select", "WSAAsyncSelect(), WndProc()", "yynn", 0, {
 [EN] = {"WSAAsyncSelect model", "textbook section 03 and 05 (AsyncSelectTCPServer)",
         "WSAAsyncSelect() registers, for a socket, a window message and the network events of interest "
         "(FD_ACCEPT, FD_READ, FD_WRITE, FD_CLOSE, FD_CONNECT, FD_OOB: table 11-8). When one happens, the window "
         "message is posted and the window procedure calls the matching function (table 11-9: FD_ACCEPT -> "
         "accept(), FD_READ -> recv(), FD_WRITE -> send()). The socket becomes non-blocking automatically, and "
         "if the matching function is not called, the same message does not come again.",
         {"Socket events are handled as window messages, so it combines well with GUI applications."},
         {"One window procedure must handle ordinary window messages and socket messages alike, which makes "
          "it slower."}},
 [KO] = {"WSAAsyncSelect 모델", "교재 03절, 05절 (AsyncSelectTCPServer)",
         "WSAAsyncSelect() 함수로 소켓 이벤트를 알려줄 윈도우 메시지와 관심 있는 네트워크 이벤트(FD_ACCEPT, "
         "FD_READ, FD_WRITE, FD_CLOSE, FD_CONNECT, FD_OOB: 표 11-8)를 등록한다. 등록한 네트워크 이벤트가 발생하면 "
         "윈도우 메시지가 발생해 윈도우 프로시저가 호출되고, 윈도우 프로시저는 받은 메시지의 종류에 따라 적절한 "
         "소켓 함수를 호출한다(표 11-9: FD_ACCEPT → accept(), FD_READ → recv(), FD_WRITE → send()). 해당 소켓은 "
         "자동으로 넌블로킹 모드로 전환되며, 윈도우 메시지를 받았을 때 적절한 소켓 함수를 호출하지 않으면 다음에는 "
         "같은 윈도우 메시지가 발생하지 않는다.",
         {"소켓 이벤트를 윈도우 메시지 형태로 처리하므로 GUI 응용 프로그램과 잘 결합할 수 있다."},
         {"단일 윈도우 프로시저에서 일반 윈도우 메시지와 소켓 메시지를 처리해야 하므로 성능 저하 요인이 된다."}}}},
{"event-select", "WSAEventSelect(), WSAWaitForMultipleEvents(), WSAEnumNetworkEvents()", "yynn", 0, {
 [EN] = {"WSAEventSelect model", "textbook table 11-5 (not in section 05's comparison); our text",
         "WSAEventSelect() ties a socket's network events to an event object. A thread waits on up to 64 event "
         "objects with WSAWaitForMultipleEvents(), asks WSAEnumNetworkEvents() which network events happened on "
         "the signalled socket, and calls the matching functions.",
         {"No window is needed, so it suits programs without a GUI; the waiting thread sleeps until a socket "
          "is ready."},
         {"One wait covers at most 64 event objects (WSA_MAXIMUM_WAIT_EVENTS), so a server needs a thread for "
          "every 64 sockets.",
          "Still synchronous I/O: recv()/send() are called after the notification."}},
 [KO] = {"WSAEventSelect 모델", "교재 표 11-5 (05절 비교에는 없음), 교재에 없는 설명",
         "WSAEventSelect() 함수로 소켓의 네트워크 이벤트를 이벤트 객체와 연결한다. 스레드는 "
         "WSAWaitForMultipleEvents() 함수로 최대 64개의 이벤트 객체를 기다린 다음, 신호 상태가 된 소켓에 어떤 "
         "네트워크 이벤트가 발생했는지 WSAEnumNetworkEvents() 함수로 확인하고 대응 함수를 호출한다.",
         {"윈도우가 필요 없으므로 GUI가 없는 프로그램에 알맞고, 기다리는 스레드는 소켓이 준비될 때까지 잠들어 있다."},
         {"한 번에 기다릴 수 있는 이벤트 객체가 최대 64개(WSA_MAXIMUM_WAIT_EVENTS)이므로 소켓 64개마다 스레드가 "
          "하나씩 필요하다.",
          "여전히 동기 입출력이므로 알림을 받은 뒤 recv()/send()를 호출해야 한다."}}}},
{"overlapped", "WSARecv()/WSASend() + lpCompletionRoutine + SleepEx()", "yyyp", 0, {
 [EN] = {"Overlapped model, completion routines", "textbook table 11-5 and section 04 (not in section 05's comparison); our text",
         "WSARecv()/WSASend() with a WSAOVERLAPPED structure start the operation and return at once; it "
         "completes later (asynchronous, overlapped I/O), and the thread that issued it handles the completion: "
         "a completion routine passed as lpCompletionRoutine runs in the issuing thread while that thread is in an "
         "alertable wait (SleepEx()). The other way to learn of a completion, an event object, is the model "
         "overlapped-event.",
         {"Asynchronous I/O: the application's buffer is handed to the operating system with the call, so CPU "
          "work and I/O overlap, with fewer calls than the synchronous models."},
         {"Only the issuing thread can handle a completion, and only while it is in an alertable wait, so the "
          "work cannot be spread over a pool of threads."}},
 [KO] = {"Overlapped 모델, 완료 루틴", "교재 표 11-5, 04절 (05절 비교에는 없음), 교재에 없는 설명",
         "WSAOVERLAPPED 구조체와 함께 WSARecv()/WSASend() 함수를 호출하면 입출력을 시작하고 곧바로 리턴하며, 입출력은 "
         "나중에 완료된다(비동기 입출력, 중첩 입출력). 완료는 입출력을 요청한 스레드가 처리한다. lpCompletionRoutine "
         "인수로 완료 루틴을 지정하면, 입출력을 요청한 스레드가 alertable wait 상태(SleepEx())일 때 그 스레드에서 완료 "
         "루틴이 실행된다. 완료를 이벤트 객체로 알리는 방식은 overlapped-event 모델이다.",
         {"비동기 입출력이므로 호출할 때 응용 프로그램의 버퍼를 운영체제에 넘겨주어 CPU 명령 수행과 입출력 작업을 "
          "병행할 수 있고, 동기 입출력 모델보다 호출 횟수가 적다."},
         {"입출력을 요청한 스레드만, 그것도 alertable wait 상태일 때만 완료를 처리할 수 있으므로 작업을 여러 스레드에 "
          "나눌 수 없다."}}}},
{"overlapped-event", "WSARecv()/WSASend() + WSAOVERLAPPED.hEvent + WSAWaitForMultipleEvents()", "yyyp", 0, {
 [EN] = {"Overlapped model, event objects", "textbook table 11-5 and section 04 (not in section 05's comparison); our text",
         "WSARecv()/WSASend() with a WSAOVERLAPPED structure start the operation and return at once; it "
         "completes later (asynchronous, overlapped I/O), and the thread that issued it handles the completion: "
         "the event object in the structure's hEvent is signalled on completion, and the thread waits with "
         "WSAWaitForMultipleEvents(), at most 64 events, then calls WSAGetOverlappedResult(). The other way to "
         "learn of a completion, a completion routine, is the model overlapped.",
         {"Asynchronous I/O: the application's buffer is handed to the operating system with the call, so CPU "
          "work and I/O overlap, with fewer calls than the synchronous models."},
         {"One wait covers at most 64 events, as with WSAEventSelect."}},
 [KO] = {"Overlapped 모델, 이벤트 객체", "교재 표 11-5, 04절 (05절 비교에는 없음), 교재에 없는 설명",
         "WSAOVERLAPPED 구조체와 함께 WSARecv()/WSASend() 함수를 호출하면 입출력을 시작하고 곧바로 리턴하며, 입출력은 "
         "나중에 완료된다(비동기 입출력, 중첩 입출력). 완료는 입출력을 요청한 스레드가 처리한다. 입출력 작업을 "
         "완료하면 hEvent가 가리키는 이벤트 객체가 신호 상태가 되고, 스레드는 WSAWaitForMultipleEvents() 함수로 최대 "
         "64개의 이벤트를 기다린 뒤 WSAGetOverlappedResult() 함수로 결과를 확인한다. 완료 루틴으로 알리는 방식은 "
         "overlapped 모델이다.",
         {"비동기 입출력이므로 호출할 때 응용 프로그램의 버퍼를 운영체제에 넘겨주어 CPU 명령 수행과 입출력 작업을 "
          "병행할 수 있고, 동기 입출력 모델보다 호출 횟수가 적다."},
         {"WSAEventSelect 모델처럼 한 번에 최대 64개의 이벤트만 기다릴 수 있다."}}}},
{"iocp", "CreateIoCompletionPort() + WSARecv()/WSASend() + GetQueuedCompletionStatus()", "yyyy", 0, {
 [EN] = {"Completion Port model", "textbook section 04 and 05 (CompletionPortTCPServer)",
         "CreateIoCompletionPort() creates an I/O completion port and associates each socket with it (the "
         "completion key identifies the socket). WSARecv()/WSASend() start asynchronous I/O; when an operation "
         "completes, an I/O completion packet (bytes, completion key, OVERLAPPED) is queued on the port. Worker "
         "threads, usually twice as many as CPUs, wait in GetQueuedCompletionStatus() until a packet arrives and "
         "take one packet each: any worker can handle any socket.",
         {"Asynchronous I/O and the completion port give the best performance."},
         {"Compared with the simplest way (blocking sockets + threads) the code is complex, but it has no "
          "particular performance drawback."}},
 [KO] = {"Completion Port 모델", "교재 04절, 05절 (CompletionPortTCPServer)",
         "CreateIoCompletionPort() 함수로 입출력 완료 포트를 새로 생성하고, 소켓과 입출력 완료 포트를 연결한다(완료 "
         "키로 소켓을 구별한다). WSARecv()/WSASend() 함수로 비동기 입출력을 시작하고, 입출력이 완료되면 입출력 완료 "
         "패킷(바이트 수, 완료 키, OVERLAPPED)이 입출력 완료 포트에 들어온다. 작업자 스레드(보통 CPU 개수의 두 배)는 "
         "GetQueuedCompletionStatus() 함수를 호출해 입출력 완료 패킷이 들어올 때까지 대기하다가 패킷을 하나씩 꺼내 "
         "처리하며, 어느 작업자 스레드든 어느 소켓이든 처리할 수 있다.",
         {"비동기 입출력과 완료 포트를 통해 가장 뛰어난 성능을 제공한다."},
         {"가장 단순한 소켓 입출력 방식(블로킹 소켓+스레드)과 비교하면 코딩이 복잡하지만, 성능 면에서 특별한 단점은 "
          "없다."}}}},
{"io_uring", "— (Linux)", "yyyy", 0, {
 [EN] = {"io_uring", "beyond the book; our text",
         "Linux's completion-based interface: the program puts operations (accept, recv, send) on a submission "
         "queue and takes their results from a completion queue, two rings shared with the kernel. One "
         "io_uring_enter() submits many operations and waits for many completions; with SQPOLL a kernel thread "
         "polls the submission queue, so submitting needs no system call at all.",
         {"Asynchronous like Overlapped and Completion Port, and batching makes user/kernel mode transitions "
          "fewer than operations (close to zero with SQPOLL)."},
         {"Linux only (5.1 and later; features differ by kernel) and more complex to use.",
          "SQPOLL spends a CPU core on polling, and some systems disable io_uring (io_uring_disabled)."}},
 [KO] = {"io_uring", "교재 밖의 내용, 교재에 없는 설명",
         "리눅스의 완료 기반 인터페이스다. 프로그램은 작업(accept, recv, send)을 제출 큐에 넣고 완료 큐에서 결과를 "
         "꺼내며, 두 링 버퍼는 커널과 공유된다. io_uring_enter() 한 번으로 여러 작업을 제출하고 여러 완료를 기다릴 수 "
         "있고, SQPOLL을 쓰면 커널 스레드가 제출 큐를 폴링하므로 제출할 때 시스템 호출이 전혀 필요 없다.",
         {"Overlapped 모델이나 Completion Port 모델처럼 비동기 입출력이며, 일괄 처리 덕분에 유저 모드와 커널 모드 "
          "전환 횟수가 작업 수보다 적다(SQPOLL을 쓰면 거의 0)."},
         {"리눅스 전용이고(5.1 이상, 커널마다 기능이 다름) 사용법이 복잡하다.",
          "SQPOLL은 폴링에 CPU 코어 하나를 쓰며, io_uring을 꺼 둔 시스템도 있다(io_uring_disabled)."}}}},
};
/* clang-format on */

/* --- the chapter's tables, at the model they belong to ---------------------
 * Table 11-5 (Windows versions), 11-6 (socket sets, the non-blocking
 * connect rows included), 11-7 (the set macros), select()'s three
 * timeouts, 11-8/11-9 (network events and the function each calls for) and
 * the WSAAsyncSelect rules, in the book's words; for a Linux stand-in, what
 * plays the Windows kernel's part. */
enum { MAXROWS = 8, MAXTABLES = 4 };

typedef struct table {
    const char *title;
    const char *rows[MAXROWS];
} table;

typedef struct extra {
    const char *model;
    const char *versions[NLANG]; /* table 11-5 */
    const char *standin[NLANG];  /* the Linux stand-in and where its cost goes */
    table t[NLANG][MAXTABLES];
} extra;

#define T11_8_EN                                                                                               \
    {"Network events (table 11-8), the bits of lEvent",                                                   \
     {"FD_ACCEPT: a client has connected.", "FD_READ: data can be received.", "FD_WRITE: data can be sent.", \
      "FD_CLOSE: the peer closed the connection.", "FD_CONNECT: the connection procedure has finished.",     \
      "FD_OOB: OOB (out-of-band) data has arrived."}}
#define T11_8_KO                                                                                               \
    {"네트워크 이벤트를 나타내는 상수 (표 11-8)",                                                          \
     {"FD_ACCEPT: 접속한 클라이언트가 있다.", "FD_READ: 데이터 수신이 가능하다.", "FD_WRITE: 데이터 송신이 가능하다.", \
      "FD_CLOSE: 상대가 접속을 종료했다.", "FD_CONNECT: 통신을 위한 연결 절차가 끝났다.",                     \
      "FD_OOB: OOB 데이터가 도착했다."}}
#define T11_9_EN                                                                                               \
    {"Network events and the function to call (table 11-9)",                                              \
     {"FD_ACCEPT: accept()", "FD_READ: recv(), recvfrom()", "FD_WRITE: send(), sendto()", "FD_CLOSE: none",     \
      "FD_CONNECT: none", "FD_OOB: recv(), recvfrom()"}}
#define T11_9_KO                                                                                               \
    {"네트워크 이벤트와 대응 함수 (표 11-9)",                                                               \
     {"FD_ACCEPT: accept()", "FD_READ: recv(), recvfrom()", "FD_WRITE: send(), sendto()", "FD_CLOSE: 없음",     \
      "FD_CONNECT: 없음", "FD_OOB: recv(), recvfrom()"}}

/* clang-format off */
static const extra extras[] = {
{"nonblocking", {NULL}, {NULL}, {
 [EN] = {{"The textbook's program and this one",
          {"The textbook's NonblockTCPServer (exercise 11-1) serves one client at a time: it retries accept() "
           "until a client comes, then retries that client's recv()/send() until it leaves, and only then "
           "accepts the next; run against 4 parallel clients, it served 1 while the other 3 waited.",
           "sockscope's nonblocking server is table 11-2's model made to serve them all: one thread goes round "
           "every socket in turn (round robin), tries one call on each, and moves on when it returns "
           "WSAEWOULDBLOCK (EWOULDBLOCK)."}}},
 [KO] = {{"교재의 예제와 이 서버",
          {"교재의 NonblockTCPServer(실습 11-1)는 한 번에 한 클라이언트만 처리한다. 클라이언트가 올 때까지 "
           "accept()를 다시 호출하고, 그 클라이언트가 나갈 때까지 recv()/send()를 다시 호출한 다음에야 다음 "
           "클라이언트를 받는다. 클라이언트 4개를 동시에 접속시키면 1개만 처리되고 나머지 3개는 기다렸다.",
           "sockscope의 nonblocking 서버는 표 11-2의 방식으로 모든 클라이언트를 처리하도록 만든 것이다. 스레드 "
           "하나가 모든 소켓을 차례로 돌며(라운드 로빈) 소켓마다 호출을 한 번씩 시도하고, WSAEWOULDBLOCK"
           "(EWOULDBLOCK)이 리턴되면 다음 소켓으로 넘어간다."}}}}},
{"select",
 {"Windows 95 and later (client versions), Windows NT and later (server versions)",
  "윈도우 95 이상(클라이언트 버전), 윈도우 NT 이상(서버 버전)"},
 {NULL}, {
 [EN] = {{"The socket sets (table 11-6)",
          {"Read set, when to call: a client has connected, so accept() can be called; data has arrived in the "
           "receive buffer, so recv() or recvfrom() can read it; the TCP connection was closed, so recv() or "
           "recvfrom() returns 0 to tell.",
           "Write set, when to call: the send buffer has enough room, so send() or sendto() can send data.",
           "Write set, the result of a call: connect() on a non-blocking socket has succeeded.",
           "Exception set, when to call: OOB (out-of-band) data has arrived, so recv() or recvfrom() can "
           "receive it.",
           "Exception set, the result of a call: connect() on a non-blocking socket has failed."}},
         {"The macros that work on a socket set (table 11-7)",
          {"FD_ZERO(fd_set *set): empties the set (initialises it).",
           "FD_SET(SOCKET s, fd_set *set): puts socket s in the set.",
           "FD_CLR(SOCKET s, fd_set *set): removes socket s from the set.",
           "FD_ISSET(SOCKET s, fd_set *set): returns non-zero if socket s is in the set, 0 if not."}},
         {"select() by its timeout (struct timeval)",
          {"NULL: waits for ever, until at least one socket meets its condition; returns the number of sockets "
           "that do.",
           "{0, 0}: checks every socket in the sets and returns at once; returns the number of sockets that meet "
           "their condition (0 is possible).",
           "Positive: returns when at least one socket meets its condition or when the time has passed; returns "
           "the number of sockets that do, or 0 (timeout)."}}},
 [KO] = {{"소켓 셋의 역할 (표 11-6)",
          {"읽기 셋, 함수 호출 시점: 접속한 클라이언트가 있으므로 accept() 함수를 호출할 수 있다. 소켓 수신 "
           "버퍼에 도착한 데이터가 있으므로 recv(), recvfrom() 등의 함수를 호출하여 데이터를 읽을 수 있다. TCP "
           "연결을 종료했으므로 recv(), recvfrom() 등의 함수를 호출하여 리턴값(0)으로 연결 종료를 알 수 있다.",
           "쓰기 셋, 함수 호출 시점: 소켓 송신 버퍼의 여유 공간이 충분하므로 send(), sendto() 등의 함수를 "
           "호출하여 데이터를 보낼 수 있다.",
           "쓰기 셋, 함수 호출 결과: 넌블로킹 소켓을 사용한 connect() 함수 호출이 성공했다.",
           "예외 셋, 함수 호출 시점: OOB(Out-Of-Band) 데이터가 도착했으므로 recv(), recvfrom() 등의 함수를 "
           "호출하여 OOB 데이터를 받을 수 있다.",
           "예외 셋, 함수 호출 결과: 넌블로킹 소켓을 사용한 connect() 함수 호출이 실패했다."}},
         {"소켓 셋을 조작하는 매크로 함수 (표 11-7)",
          {"FD_ZERO(fd_set *set): 셋을 비운다(초기화).",
           "FD_SET(SOCKET s, fd_set *set): 소켓 s를 셋에 넣는다.",
           "FD_CLR(SOCKET s, fd_set *set): 소켓 s를 셋에서 제거한다.",
           "FD_ISSET(SOCKET s, fd_set *set): 소켓 s가 셋에 들어 있으면 0이 아닌 값을 리턴한다. 그렇지 않으면 "
           "0을 리턴한다."}},
         {"타임아웃값에 따른 select() 함수의 동작",
          {"NULL: 적어도 한 소켓이 조건을 만족할 때까지 무한히 기다린다. 리턴값은 조건을 만족하는 소켓의 개수가 "
           "된다.",
           "{0, 0}: 소켓 셋에 포함된 모든 소켓을 검사한 후 곧바로 리턴한다. 리턴값은 조건을 만족하는 소켓의 "
           "개수(0도 가능)가 된다.",
           "양수: 적어도 한 소켓이 조건을 만족하거나 타임아웃으로 지정한 시간이 지나면 리턴한다. 리턴값은 조건을 "
           "만족하는 소켓의 개수 또는 0(타임아웃)이 된다."}}}}},
{"async-select",
 {"Windows 95 and later (client versions), Windows NT and later (server versions)",
  "윈도우 95 이상(클라이언트 버전), 윈도우 NT 이상(서버 버전)"},
 {"Linux has no window messages: an epoll notifier thread plays Winsock's part and posts each network event "
  "as a message into an SDL2 event queue, which one window-procedure thread drains (GetMessage, "
  "DispatchMessage). The notifier's thread, calls and CPU are emulation: sockscope stats and the comparison "
  "table report them apart, never as the model's.",
  "리눅스에는 윈도우 메시지가 없으므로 epoll 알림 스레드가 윈속의 역할을 맡아 네트워크 이벤트를 SDL2 이벤트 "
  "큐에 메시지로 넣고, 윈도우 프로시저 스레드 하나가 그 큐를 비운다(GetMessage, DispatchMessage). 알림 스레드의 "
  "스레드, 호출, CPU 시간은 에뮬레이션이며 sockscope stats와 비교 표에 모델과 따로 표시된다."}, {
 [EN] = {T11_8_EN, T11_9_EN,
         {"Using WSAAsyncSelect()",
          {"WSAAsyncSelect() switches the socket to non-blocking mode automatically.",
           "A socket returned by accept() has the same properties as the listening socket: it inherits the "
           "listening socket's WSAAsyncSelect() settings (window, message, events).",
           "A socket call made in answer to a window message mostly succeeds, but WSAEWOULDBLOCK can occur, "
           "rarely.",
           "If the matching function is not called when a window message arrives, the same window message does "
           "not come again (the re-enabling rule: calling it re-enables the event).",
           "The window procedure gets the socket in wParam; WSAGETSELECTEVENT(lParam) (the low word) is the "
           "network event, WSAGETSELECTERROR(lParam) (the high word) its error code."}}},
 [KO] = {T11_8_KO, T11_9_KO,
         {"WSAAsyncSelect() 함수 사용 시 유의 사항",
          {"WSAAsyncSelect() 함수를 호출하면 해당 소켓은 자동으로 넌블로킹 모드로 전환된다.",
           "accept() 함수가 리턴하는 소켓은 연결 대기 소켓과 같은 속성을 가진다. 즉 연결 대기 소켓의 "
           "WSAAsyncSelect() 설정(윈도우, 메시지, 이벤트)을 물려받는다.",
           "윈도우 메시지에 대응해서 소켓 함수를 호출하면 대부분 성공하지만, WSAEWOULDBLOCK 오류 코드가 "
           "발생하는 경우가 드물게 있다.",
           "윈도우 메시지를 받았을 때 적절한 소켓 함수를 호출하지 않으면, 다음에는 같은 윈도우 메시지가 "
           "발생하지 않는다(대응 함수를 호출해야 이벤트가 다시 활성화된다).",
           "윈도우 프로시저는 wParam으로 소켓을 받고, WSAGETSELECTEVENT(lParam)(하위 워드)로 네트워크 이벤트를, "
           "WSAGETSELECTERROR(lParam)(상위 워드)로 오류 코드를 얻는다."}}}}},
{"event-select",
 {"Windows 95 and later (client versions), Windows NT 3.51 and later (server versions)",
  "윈도우 95 이상(클라이언트 버전), 윈도우 NT 3.51 이상(서버 버전)"},
 {"Linux has no event objects of Winsock's: an eventfd per socket is its event object, an epoll notifier thread "
  "signals it as Winsock's kernel side would, and the waiting thread's poll() over at most 64 eventfds is "
  "WSAWaitForMultipleEvents(). The notifier's thread, calls and CPU are emulation: sockscope stats and the "
  "comparison table report them apart, never as the model's.",
  "리눅스에는 윈속의 이벤트 객체가 없으므로 소켓마다 eventfd 하나가 이벤트 객체가 되고, epoll 알림 스레드가 "
  "윈속의 커널 쪽처럼 그것을 신호 상태로 만들며, 대기 스레드가 최대 64개의 eventfd에 대해 호출하는 poll()이 "
  "WSAWaitForMultipleEvents()에 해당한다. 알림 스레드의 스레드, 호출, CPU 시간은 에뮬레이션이며 sockscope "
  "stats와 비교 표에 모델과 따로 표시된다."}, {
 [EN] = {T11_8_EN, T11_9_EN,
         {"The same rules as WSAAsyncSelect (the book gives the tables for WSAAsyncSelect; our note)",
          {"WSAEventSelect() takes the same network events (table 11-8), and the function to call for each is "
           "the same (table 11-9).",
           "WSAEventSelect() switches the socket to non-blocking mode automatically, and a socket returned by "
           "accept() inherits the listening socket's settings.",
           "An event is recorded again only after its matching function has been called (the re-enabling "
           "rule), and that call can still, rarely, return WSAEWOULDBLOCK.",
           "WSAEnumNetworkEvents() tells which network events happened on the signalled socket (and resets its "
           "event object)."}}},
 [KO] = {T11_8_KO, T11_9_KO,
         {"WSAAsyncSelect와 같은 규칙 (교재는 WSAAsyncSelect에 대해 표를 제시한다. 교재에 없는 설명)",
          {"WSAEventSelect()도 같은 네트워크 이벤트(표 11-8)를 쓰고, 이벤트마다 호출할 대응 함수도 같다(표 "
           "11-9).",
           "WSAEventSelect() 함수를 호출하면 소켓이 자동으로 넌블로킹 모드로 전환되고, accept() 함수가 리턴하는 "
           "소켓은 연결 대기 소켓의 설정을 물려받는다.",
           "대응 함수를 호출해야 같은 이벤트가 다시 기록되며(재활성화 규칙), 그 호출도 드물게 WSAEWOULDBLOCK을 "
           "리턴할 수 있다.",
           "WSAEnumNetworkEvents() 함수는 신호 상태가 된 소켓에 어떤 네트워크 이벤트가 발생했는지 알려 준다(이벤트 "
           "객체도 비신호 상태로 바꾼다)."}}}}},
{"overlapped",
 {"Windows 95 and later (client versions), Windows NT 3.51 and later (server versions)",
  "윈도우 95 이상(클라이언트 버전), 윈도우 NT 3.51 이상(서버 버전)"},
 {"Linux has no overlapped sockets: an io_uring per issuing thread carries each WSARecv()/WSASend(), and the "
  "completion routines run after the thread's io_uring_enter() wait (the alertable wait). The io_uring calls "
  "that carry the operations are emulation: sockscope stats and the comparison table report them apart, never "
  "as the model's.",
  "리눅스에는 중첩 소켓이 없으므로 입출력을 요청하는 스레드마다 io_uring 하나가 WSARecv()/WSASend()를 "
  "실어 나르고, 스레드의 io_uring_enter() 대기(alertable wait) 뒤에 완료 루틴이 실행된다. 작업을 실어 나르는 "
  "io_uring 호출은 에뮬레이션이며 sockscope stats와 비교 표에 모델과 따로 표시된다."}, {{{NULL, {NULL}}}}},
{"overlapped-event",
 {"Windows 95 and later (client versions), Windows NT 3.51 and later (server versions)",
  "윈도우 95 이상(클라이언트 버전), 윈도우 NT 3.51 이상(서버 버전)"},
 {"Linux has no overlapped sockets: an io_uring per issuing thread carries each WSARecv()/WSASend(); each "
  "operation is linked to a write to the socket's eventfd and the thread waits with poll() on at most 64 "
  "(WSAWaitForMultipleEvents()). The io_uring calls that carry the operations are emulation: sockscope stats "
  "and the comparison table report them apart, never as the model's.",
  "리눅스에는 중첩 소켓이 없으므로 입출력을 요청하는 스레드마다 io_uring 하나가 WSARecv()/WSASend()를 "
  "실어 나른다. 작업마다 소켓의 eventfd에 쓰는 작업이 연결되고 스레드가 최대 64개에 대해 poll()로 "
  "기다린다(WSAWaitForMultipleEvents()). 작업을 실어 나르는 io_uring 호출은 에뮬레이션이며 sockscope stats와 "
  "비교 표에 모델과 따로 표시된다."}, {{{NULL, {NULL}}}}},
{"iocp",
 {"Windows NT 3.5 and later (not Windows 95/98/Me)", "윈도우 NT 3.5 이상(윈도우 95/98/Me 제외)"},
 {"Linux has no completion port: io_uring carries each WSARecv()/WSASend(), a port thread takes each "
  "completion and posts it as a packet to a queue in user space, and the workers wait on that queue with futexes "
  "(GetQueuedCompletionStatus()). The port thread, its io_uring calls and the futex hand-offs are emulation: "
  "sockscope stats and the comparison table report them apart, never as the model's.",
  "리눅스에는 입출력 완료 포트가 없으므로 io_uring이 WSARecv()/WSASend()를 실어 나르고, 포트 스레드가 완료를 "
  "하나씩 받아 사용자 공간의 큐에 완료 패킷으로 넣으며, 작업자 스레드는 futex로 그 큐를 기다린다"
  "(GetQueuedCompletionStatus()). 포트 스레드와 그 io_uring 호출, futex를 통한 전달은 에뮬레이션이며 sockscope "
  "stats와 비교 표에 모델과 따로 표시된다."}, {{{NULL, {NULL}}}}},
};
/* clang-format on */

#define NEXTRAS (sizeof extras / sizeof extras[0])

static const extra *find_extra(const char *model)
{
    for (size_t i = 0; i < NEXTRAS; i++)
        if (strcmp(extras[i].model, model) == 0)
            return &extras[i];
    return NULL;
}

#define NENTRIES (sizeof entries / sizeof entries[0])

static const entry *find(const char *model)
{
    for (size_t i = 0; i < NENTRIES; i++)
        if (strcmp(entries[i].model, model) == 0)
            return &entries[i];
    return NULL;
}

static void list(FILE *f, const char *heading, const char *const *items, int max, int width)
{
    fprintf(f, "\n%s:\n", heading);
    for (int i = 0; i < max && items[i]; i++)
        ss_print_wrapped(f, "  - ", "    ", items[i], width);
}

static void requirements(FILE *f, const labels *lb, const char *req, int width)
{
    fprintf(f, "\n%s:\n", lb->req);
    for (int i = 0; i < 4; i++) {
        int a = req[i] == 'y' ? 0 : req[i] == 'n' ? 1 : 2;
        char line[256];
        snprintf(line, sizeof line, "%s: %s", lb->reqs[i], lb->answer[a]);
        ss_print_wrapped(f, "  - ", "    ", line, width);
    }
}

int ss_explain(FILE *f, const char *model, const char *lang, int width)
{
    const entry *e = find(model);
    int li = strcmp(lang, "en") == 0 ? EN : strcmp(lang, "ko") == 0 ? KO : -1;
    if (!e || li < 0)
        return -1;
    const text *t = &e->t[li];
    const labels *lb = &L[li];
    const ss_model *m = ss_model_find(model);
    char line[400];
    fprintf(f, "%s: %s\n", e->model, t->title);
    snprintf(line, sizeof line, "%s: %s", lb->source, t->source);
    ss_print_wrapped(f, "", "  ", line, width);
    snprintf(line, sizeof line, "%s: %s", lb->windows, e->windows);
    ss_print_wrapped(f, "", "  ", line, width);
    const extra *x = find_extra(model);
    if (x && x->versions[li]) {
        snprintf(line, sizeof line, "%s: %s", lb->versions, x->versions[li]);
        ss_print_wrapped(f, "", "  ", line, width);
    }
    snprintf(line, sizeof line, "%s: %s", lb->here,
             m ? vw_mechanism(m->name, m->mechanism, li == KO ? VW_LANG_KO : VW_LANG_EN) : lb->absent);
    ss_print_wrapped(f, "", "  ", line, width);
    if (x && x->standin[li]) {
        fprintf(f, "\n%s:\n", lb->standin);
        ss_print_wrapped(f, "  ", "  ", x->standin[li], width);
    }
    fprintf(f, "\n%s:\n", lb->how);
    ss_print_wrapped(f, "  ", "  ", t->how, width);
    for (int i = 0; x && i < MAXTABLES && x->t[li][i].title; i++)
        list(f, x->t[li][i].title, x->t[li][i].rows, MAXROWS, width);
    if (e->returns) {
        fprintf(f, "\n%s:\n", lb->returns);
        for (int i = 0; i < 4; i++)
            ss_print_wrapped(f, "  - ", "    ", lb->table11_1[i], width);
    }
    list(f, lb->pros, t->pros, MAXITEMS, width);
    list(f, lb->cons, t->cons, MAXITEMS, width);
    requirements(f, lb, e->req, width);
    return 0;
}
