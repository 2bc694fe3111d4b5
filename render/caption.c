/* caption.c — lecture texts. A C table rather than asset files: the
 * captions are part of the program's behaviour (tests check them), and a
 * table cannot go missing at run time. Sources: the chapter's tables, cited
 * in each text so that a lecturer can point at the page. */
#include "render/caption.h"

#include <stdio.h>
#include <string.h>

#include "render/timeline.h"
#include "sim/report/stats.h"

int vw_lang_parse(const char *s, vw_lang *out)
{
    if (strcmp(s, "en") == 0) *out = VW_LANG_EN;
    else if (strcmp(s, "ko") == 0) *out = VW_LANG_KO;
    else return -1;
    return 0;
}

/* --- picking the event --------------------------------------------------------- */
/* What a caption prefers at an instant: work in progress (a call that is
 * not sleeping, computation, a message being handled), then a wait in
 * progress, then whatever happened last. */
static int pick_rank(const vw_ev *e, uint64_t t)
{
    if (vw_ev_end(e) < t || vw_ev_dur(e) == 0)
        return 0;
    return vw_ev_cat(e) == VW_CAT_WAIT ? 1 : 2;
}

int vw_caption_pick(const vw_run *r, double t, int *lane, size_t *idx)
{
    if (t < 0)
        return -1;
    int found = 0, best_rank = 0;
    uint64_t best_t0 = 0, tt = (uint64_t)t;
    for (int i = 0; i < r->nserver; i++) {
        const vw_lane *l = &r->lanes[i];
        if (!vw_lane_is_model(l))
            continue; /* captions teach the model, never the stand-in's machinery */
        size_t k = vw_lane_lower(l, tt + 1);
        if (!k)
            continue;
        const vw_ev *e = &l->ev[k - 1];
        int rank = pick_rank(e, tt);
        /* among equals, the most recent */
        if (!found || rank > best_rank || (rank == best_rank && e->t0 > best_t0)) {
            found = 1;
            best_rank = rank;
            best_t0 = e->t0;
            *lane = i;
            *idx = k - 1;
        }
    }
    return found ? 0 : -1;
}

/* --- texts ------------------------------------------------------------------- */
typedef struct text2 {
    const char *en, *ko;
} text2;

static const char *pick(const text2 *t, vw_lang lang) { return lang == VW_LANG_KO ? t->ko : t->en; }

/* --- the textbook's calls ---------------------------------------------------- */
static const text2 T_WOULDBLOCK = {
    "Non-blocking socket: the condition was not met, so the call returned at once with EWOULDBLOCK "
    "(WSAEWOULDBLOCK) instead of stopping the thread. Call it again later (table 11-2: no deadlock, but "
    "more CPU and a more complex program).",
    "넌블로킹 소켓: 조건을 만족하지 않아 스레드를 멈추지 않고 곧바로 WSAEWOULDBLOCK(EWOULDBLOCK) 오류를 리턴했다. "
    "나중에 다시 호출하면 된다(표 11-2: 교착 상태는 없지만 CPU 사용률이 높고 프로그램 구조가 복잡해진다)."};
static const text2 T_WOULDBLOCK_AFTER_MSG = {
    "Rare, but the chapter warns of it: the message said the call would succeed, yet it returned "
    "WSAEWOULDBLOCK. The program simply waits for the next message.",
    "드물지만 교재가 경고한 경우다: 윈도우 메시지를 받고 대응 함수를 호출했는데도 WSAEWOULDBLOCK 오류가 "
    "발생했다. 다음 메시지를 기다리면 된다."};
static const text2 T_ACCEPT = {
    "accept() returns when a client has connected (table 11-1). It hands back a new socket for that "
    "client; the listening socket keeps waiting for the next one.",
    "accept()는 접속한 클라이언트가 있을 때 리턴한다(표 11-1). 그 클라이언트와 통신할 새 소켓을 돌려주고, "
    "대기 소켓은 다음 접속을 계속 기다린다."};
static const text2 T_CONNECT = {
    "connect() returns when the connection to the server has succeeded (table 11-1).",
    "connect()는 서버에 접속이 성공했을 때 리턴한다(표 11-1)."};
static const text2 T_RECV = {
    "recv() returns once at least one byte has arrived in the socket's receive buffer and been copied "
    "into the program's buffer (table 11-1). A result of 0 means the client closed the connection.",
    "recv()는 소켓 수신 버퍼에 도착한 데이터가 1바이트 이상 있어 이를 응용 프로그램의 버퍼에 복사했을 때 "
    "리턴한다(표 11-1). 리턴값 0은 상대가 연결을 종료했다는 뜻이다."};
static const text2 T_SEND = {
    "send() returns when all the data the program asked to send has been copied into the socket's send "
    "buffer (table 11-1), not when the peer has received it.",
    "send()는 응용 프로그램이 전송을 요청한 데이터를 소켓 송신 버퍼에 모두 복사했을 때 리턴한다(표 11-1). "
    "상대가 받았을 때가 아니다."};
static const text2 T_SELECT = {
    "select() waits until a socket in the read set can accept() or recv() (or its peer closed), or one in "
    "the write set can send() (table 11-6; the write set also reports a non-blocking connect() that "
    "succeeded, the exception set OOB data or a non-blocking connect() that failed). It returns how many "
    "sockets are ready; the program then checks every socket with FD_ISSET.",
    "select()는 읽기 셋의 소켓이 accept()나 recv()를 할 수 있게 되거나(또는 상대가 연결을 종료), 쓰기 셋의 "
    "소켓이 send()를 할 수 있게 될 때까지 기다린다(표 11-6. 쓰기 셋은 넌블로킹 connect()의 성공도, 예외 셋은 "
    "OOB 데이터 도착과 넌블로킹 connect()의 실패도 알려 준다). 조건을 만족하는 소켓 수를 리턴하고, 프로그램은 "
    "FD_ISSET으로 소켓을 모두 검사한다."};
static const text2 T_SELECT_TIMEOUT[3] = {
    {" Its timeout is NULL: it waits as long as it takes, until at least one socket is ready.",
     " 타임아웃이 NULL이므로 적어도 한 소켓이 조건을 만족할 때까지 무한히 기다린다."},
    {" Its timeout is {0, 0}: it checks every socket in the sets and returns at once (0 is possible).",
     " 타임아웃이 (0, 0)이므로 셋의 모든 소켓을 검사한 후 곧바로 리턴한다(0도 가능)."},
    {" Its timeout is positive: it returns when a socket is ready or when the time is up (then 0).",
     " 타임아웃이 양수이므로 소켓이 조건을 만족하거나 지정한 시간이 지나면(이때 0) 리턴한다."}};
static const text2 T_FD_SETS = {
    "Building the socket sets (table 11-7): FD_ZERO empties a set, FD_SET puts socket s in it; after "
    "select() returns, FD_ISSET tells whether s is still in it (ready), and FD_CLR takes s out. A socket "
    "with bytes still to send goes into the write set, the others into the read set. User code, repeated "
    "before every select().",
    "소켓 셋 만들기(표 11-7): FD_ZERO로 셋을 비우고 FD_SET으로 소켓 s를 셋에 넣는다. select()가 리턴하면 "
    "FD_ISSET으로 s가 셋에 남아 있는지(준비되었는지) 확인하고, FD_CLR로 s를 셋에서 제거한다. 보낼 데이터가 남은 "
    "소켓은 쓰기 셋에, 나머지는 읽기 셋에 넣는다. select()를 호출할 때마다 반복하는 유저 코드다."};
static const text2 T_POLL = {
    "poll() is select() with an array instead of bit sets: no FD_SETSIZE limit, but the kernel still "
    "scans every socket on every call.",
    "poll()은 비트 셋 대신 배열을 쓰는 select()다. FD_SETSIZE 제한은 없지만 호출할 때마다 커널이 모든 소켓을 "
    "검사한다."};
static const text2 T_EPOLL_WAIT = {
    "epoll_wait() sleeps until a registered socket is ready and returns only the ready ones: the kernel "
    "keeps the interest list, so nothing is rescanned per call.",
    "epoll_wait()는 등록한 소켓이 준비될 때까지 잠들고, 준비된 소켓만 돌려준다. 관심 목록을 커널이 유지하므로 "
    "호출마다 다시 검사하지 않는다."};
static const text2 T_EPOLL_CTL = {
    "epoll_ctl() registers (or changes) the events the program wants for one socket, once, in the kernel.",
    "epoll_ctl()은 한 소켓에 대해 관심 있는 이벤트를 커널에 한 번 등록(또는 변경)한다."};
static const text2 T_URING_ENTER = {
    "io_uring_enter(): one user/kernel transition that submits every queued operation and collects "
    "completions. Batching many operations per transition is what the textbook asks of an ideal model.",
    "io_uring_enter(): 한 번의 유저/커널 모드 전환으로 대기 중인 작업을 모두 제출하고 완료를 거둔다. 전환 한 번에 "
    "여러 작업을 묶는 것이 교재가 말하는 이상적인 모델의 조건(전환 횟수 최소화)이다."};
static const text2 T_SUBMIT = {
    "An asynchronous operation is queued: the call returns at once and the kernel performs the I/O while "
    "the thread goes on with other work: CPU work and I/O overlap.",
    "비동기 입출력 작업을 요청했다. 함수는 곧바로 리턴하고, 스레드가 다른 일을 하는 동안 커널이 입출력을 수행한다. "
    "CPU 명령 수행과 입출력 작업이 병행된다."};
static const text2 T_COMPLETE = {
    "A completion: the kernel finished an asynchronous operation and this thread took its result (bytes "
    "transferred, or an error).",
    "완료: 커널이 비동기 입출력 작업을 끝냈고, 이 스레드가 그 결과(전송한 바이트 수 또는 오류)를 받았다."};
static const text2 T_CPU = {
    "User code is computing (the work of a request). No socket call, no kernel entry: with asynchronous "
    "I/O the kernel keeps moving data meanwhile.",
    "유저 코드가 계산 중이다(요청 처리 작업). 소켓 함수 호출도 커널 진입도 없다. 비동기 입출력이라면 그동안에도 "
    "커널이 데이터를 옮긴다."};
static const text2 T_UI_WORK = {
    "The window procedure handles an ordinary window message (paint, input), not a request. Socket messages "
    "that arrive meanwhile wait behind it in the same queue: the model's weakness (section 05).",
    "윈도우 프로시저가 요청이 아니라 일반 윈도우 메시지(그리기, 입력)를 처리하고 있다. 그동안 도착한 소켓 메시지는 "
    "같은 큐에서 뒤에 기다린다: 이 모델의 단점이다(05절)."};
static const text2 T_TRACE_WAIT = {
    "Not the model: sockscope's recorder held this thread. Its event ring was full, so it waited for the "
    "trace writer to catch up instead of losing events.",
    "모델이 아니라 sockscope의 기록기가 이 스레드를 멈췄다. 이벤트 링이 가득 차서, 이벤트를 잃는 대신 "
    "트레이스 기록 스레드가 따라잡기를 기다렸다."};
static const text2 T_WAKEUP = {
    "This thread woke another thread that was waiting for work.",
    "이 스레드가 일을 기다리던 다른 스레드를 깨웠다."};
static const text2 T_CLOSE = {
    "close() (closesocket() on Windows) releases the connection and its socket.",
    "close()(윈도우의 closesocket())로 연결과 소켓을 해제한다."};
static const text2 T_SETUP = {
    "Setting up the listening socket: socket() - bind() - listen(); the server then waits for clients on it.",
    "대기 소켓 준비: socket() - bind() - listen(). 이후 서버는 이 소켓으로 클라이언트 접속을 기다린다."};
static const text2 T_NONBLOCK = {
    "ioctlsocket(FIONBIO) / O_NONBLOCK switches the socket to non-blocking mode: from now on calls return "
    "at once with WSAEWOULDBLOCK when they cannot complete.",
    "ioctlsocket(FIONBIO) / O_NONBLOCK으로 소켓을 넌블로킹 모드로 바꾼다. 이후 조건을 만족하지 못한 함수는 "
    "WSAEWOULDBLOCK과 함께 곧바로 리턴한다."};
static const text2 T_REFUSED = {
    "A client was refused: the model's limit was reached (select: FD_SETSIZE sockets per set, 64 with "
    "Winsock; WSAEventSelect: 64 event objects per wait).",
    "클라이언트를 거절했다. 모델의 한도에 도달했다(select: 셋당 FD_SETSIZE개, 윈속은 64개; WSAEventSelect: 한 번에 "
    "기다리는 이벤트 객체 64개)."};
static const text2 T_OTHER = {
    "A socket call: the thread entered the kernel and came back.",
    "소켓 함수 호출: 스레드가 커널에 들어갔다가 돌아왔다."};
static const text2 T_WAITED = {
    " The thread was stopped here until the condition was met (a blocking call).",
    " 조건을 만족할 때까지 스레드 실행이 여기서 정지했다(블로킹)."};

/* --- the Windows calls (recorded on Windows, or by a Linux stand-in) --------- */
static const text2 T_WSARECV = {
    "WSARecv(): an overlapped receive is started. The call returns at once (WSA_IO_PENDING) and the kernel "
    "fills the buffer later, while the thread does other work: CPU work and I/O overlap.",
    "WSARecv(): 비동기(중첩) 수신을 시작한다. 함수는 곧바로 리턴하고(WSA_IO_PENDING), 스레드가 다른 일을 하는 "
    "동안 커널이 나중에 버퍼를 채운다: CPU 명령 수행과 입출력 작업이 병행된다."};
static const text2 T_WSASEND = {
    "WSASend(): an overlapped send is started. The call returns at once (WSA_IO_PENDING) and the kernel "
    "sends from the buffer later, while the thread does other work: CPU work and I/O overlap.",
    "WSASend(): 비동기(중첩) 송신을 시작한다. 함수는 곧바로 리턴하고(WSA_IO_PENDING), 스레드가 다른 일을 하는 "
    "동안 커널이 나중에 버퍼의 데이터를 보낸다: CPU 명령 수행과 입출력 작업이 병행된다."};
static const text2 T_DONE_BY[4] = { /* how the completion comes back, by model */
    {" Its completion comes as a packet on the completion port.", " 완료는 입출력 완료 포트의 패킷으로 온다."},
    {" Its completion signals the event object in WSAOVERLAPPED.hEvent.",
     " 완료되면 WSAOVERLAPPED 구조체의 hEvent 이벤트 객체가 신호 상태가 된다."},
    {" Its completion runs the completion routine in this thread, during an alertable wait.",
     " 완료되면 경고 가능 대기 중인 이 스레드에서 완료 루틴이 실행된다."},
    {"", ""}};
static const text2 T_GQCS = {
    "GetQueuedCompletionStatus(): the worker thread waits on the completion port until a completion packet "
    "is there, then takes it: the bytes transferred, the completion key (which socket) and the OVERLAPPED "
    "(which operation). Waiting workers are woken last-in, first-out, and no more of them run at once than "
    "the port's concurrency value (0: one per CPU).",
    "GetQueuedCompletionStatus(): 작업자 스레드가 입출력 완료 포트에 완료 패킷이 들어올 때까지 대기하다가 꺼낸다: "
    "전송된 바이트 수, 완료 키(어느 소켓인지), OVERLAPPED 구조체(어느 작업인지). 대기 중인 작업자는 나중에 대기한 "
    "스레드부터 깨어나고(LIFO), 동시에 실행되는 작업자 수는 포트의 동시 실행 값(0이면 CPU 개수)을 넘지 않는다."};
static const text2 T_PACKET = {
    "The completion packet GetQueuedCompletionStatus() returned: the operation it names is over; the "
    "worker now does the textbook's step (echo what was received, or receive again).",
    "GetQueuedCompletionStatus()가 돌려준 완료 패킷: 해당 작업이 끝났다. 작업자는 이제 교재의 처리(받은 데이터를 "
    "돌려보내거나 다시 수신)를 한다."};
static const text2 T_IOCP_CREATE = {
    "CreateIoCompletionPort(): the I/O completion port is created; NumberOfConcurrentThreads 0 lets as many "
    "workers run at once as there are CPUs.",
    "CreateIoCompletionPort(): 입출력 완료 포트를 새로 생성한다. 동시 실행 스레드 수 0은 CPU 개수만큼의 작업자가 "
    "동시에 실행되게 한다."};
static const text2 T_IOCP_ASSOC = {
    "CreateIoCompletionPort(): the new socket is tied to the existing completion port with a completion key "
    "(here the socket), so that its operations complete on the port.",
    "CreateIoCompletionPort(): 새 소켓을 기존 입출력 완료 포트와 완료 키(여기서는 소켓)로 연결해, 그 소켓의 작업이 "
    "완료 포트에서 완료되게 한다."};
static const text2 T_IOCP_POST = {
    "PostQueuedCompletionStatus(): the program puts a packet of its own on the port; a null packet tells a "
    "worker to end.",
    "PostQueuedCompletionStatus(): 프로그램이 직접 완료 포트에 패킷을 넣는다. 빈 패킷은 작업자 스레드에게 종료를 "
    "알린다."};
static const text2 T_WSAWAIT = {
    "WSAWaitForMultipleEvents(): the thread sleeps until one of at most 64 event objects "
    "(WSA_MAXIMUM_WAIT_EVENTS) is signalled, and learns the lowest signalled index: one thread can wait "
    "for at most 64 sockets.",
    "WSAWaitForMultipleEvents(): 이벤트 객체(최대 64개, WSA_MAXIMUM_WAIT_EVENTS) 중 하나가 신호 상태가 될 때까지 "
    "스레드가 대기하고, 신호 상태인 것 중 가장 작은 인덱스를 받는다. 스레드 하나가 기다릴 수 있는 소켓은 64개까지다."};
static const text2 T_WSAENUM = {
    "WSAEnumNetworkEvents(): which network events happened on this socket since the last call (FD_ACCEPT, "
    "FD_READ, FD_WRITE, FD_CLOSE: table 11-8), and the socket's event object is reset. The program then "
    "calls the matching function (table 11-9).",
    "WSAEnumNetworkEvents(): 지난 호출 이후 이 소켓에 어떤 네트워크 이벤트(FD_ACCEPT, FD_READ, FD_WRITE, "
    "FD_CLOSE: 표 11-8)가 발생했는지 알아내고, 소켓의 이벤트 객체를 비신호 상태로 되돌린다. 이어서 대응 함수를 "
    "호출한다(표 11-9)."};
static const text2 T_WSAEVENTSELECT = {
    "WSAEventSelect(): the socket's network events (FD_READ|FD_WRITE|FD_CLOSE, or FD_ACCEPT for the listening "
    "socket) are tied to an event object, which Winsock signals when one happens; the socket becomes "
    "non-blocking.",
    "WSAEventSelect(): 소켓의 네트워크 이벤트(FD_READ|FD_WRITE|FD_CLOSE, 대기 소켓은 FD_ACCEPT)를 이벤트 객체와 "
    "연결한다. 이벤트가 발생하면 윈속이 이벤트 객체를 신호 상태로 만든다. 소켓은 넌블로킹 모드로 바뀐다."};
static const text2 T_WSAASYNCSELECT = {
    "WSAAsyncSelect(): the socket's network events are to arrive as a window message (WM_SOCKET); the "
    "socket becomes non-blocking by itself. A socket accept() returns has the listening socket's settings, "
    "so the program registers FD_READ|FD_WRITE|FD_CLOSE for it again.",
    "WSAAsyncSelect(): 소켓의 네트워크 이벤트를 윈도우 메시지(WM_SOCKET)로 받겠다고 등록한다. 소켓은 자동으로 "
    "넌블로킹 모드로 전환된다. accept()가 리턴하는 소켓은 대기 소켓과 같은 속성을 가지므로, 프로그램은 다시 "
    "FD_READ|FD_WRITE|FD_CLOSE를 등록한다."};
static const text2 T_GETMESSAGE = {
    "GetMessage(): the message loop waits for the thread's next window message; DispatchMessage() then "
    "hands it to the window procedure. Socket messages and ordinary window messages (paint, input) wait "
    "in this one queue.",
    "GetMessage(): 메시지 루프가 스레드의 다음 윈도우 메시지를 기다린다. 이어서 DispatchMessage()가 메시지를 "
    "윈도우 프로시저에 넘긴다. 소켓 메시지와 일반 윈도우 메시지(그리기, 입력)가 이 하나의 큐에서 기다린다."};
static const text2 T_POSTMESSAGE = {
    "PostMessage(): the window procedure posts FD_READ to itself. It had put off an FD_READ while bytes of "
    "this socket were unsent (recvdelayed); now they are out, and Winsock posts no new FD_READ until "
    "recv() is called (the re-enabling rule).",
    "PostMessage(): 윈도우 프로시저가 자신에게 FD_READ를 보낸다. 이 소켓의 보낼 데이터가 남아 있어 FD_READ 처리를 "
    "미뤘다가(recvdelayed) 다 보낸 것이다. recv()를 호출하기 전에는 윈속이 FD_READ를 다시 보내지 않는다(재활성화 "
    "규칙)."};
static const text2 T_MSG_POST = {
    "A network event became a window message in the queue (table 11-8).",
    "네트워크 이벤트가 윈도우 메시지가 되어 큐에 들어갔다(표 11-8)."};
static const text2 T_MSG_DISPATCH = {
    "The window procedure handles the message and calls the matching function (table 11-9): FD_ACCEPT - "
    "accept(), FD_READ - recv(), FD_WRITE - send(), FD_CLOSE - none, FD_CONNECT - none, FD_OOB - recv(). "
    "Until it calls it, the same message is not posted again.",
    "윈도우 프로시저가 메시지를 처리하며 대응 함수를 호출한다(표 11-9): FD_ACCEPT - accept(), FD_READ - recv(), "
    "FD_WRITE - send(), FD_CLOSE - 없음, FD_CONNECT - 없음, FD_OOB - recv(). 대응 함수를 호출하기 전에는 같은 "
    "메시지가 다시 오지 않는다."};
static const text2 T_DISPATCH_FD[6] = { /* table 11-8's meaning and 11-9's function, by event */
    {"DispatchMessage(): WM_SOCKET with FD_READ (data can be received): the window procedure calls recv(); "
     "until it does, Winsock posts no new FD_READ for this socket.",
     "DispatchMessage(): WM_SOCKET, FD_READ(데이터 수신이 가능하다): 윈도우 프로시저가 recv()를 호출한다. 호출하기 "
     "전에는 이 소켓의 FD_READ가 다시 오지 않는다."},
    {"DispatchMessage(): WM_SOCKET with FD_WRITE (data can be sent): the window procedure calls send(); "
     "FD_WRITE comes again only after a send() could not take every byte.",
     "DispatchMessage(): WM_SOCKET, FD_WRITE(데이터 송신이 가능하다): 윈도우 프로시저가 send()를 호출한다. "
     "FD_WRITE는 send()가 데이터를 다 보내지 못한 뒤에야 다시 온다."},
    {"DispatchMessage(): WM_SOCKET with FD_OOB (OOB data arrived): the window procedure calls recv().",
     "DispatchMessage(): WM_SOCKET, FD_OOB(OOB 데이터가 도착했다): 윈도우 프로시저가 recv()를 호출한다."},
    {"DispatchMessage(): WM_SOCKET with FD_ACCEPT (a client has connected): the window procedure calls "
     "accept().",
     "DispatchMessage(): WM_SOCKET, FD_ACCEPT(접속한 클라이언트가 있다): 윈도우 프로시저가 accept()를 호출한다."},
    {"DispatchMessage(): WM_SOCKET with FD_CONNECT (the connection procedure is over): no function to call.",
     "DispatchMessage(): WM_SOCKET, FD_CONNECT(통신을 위한 연결 절차가 끝났다): 대응 함수는 없다."},
    {"DispatchMessage(): WM_SOCKET with FD_CLOSE (the peer closed): no function re-enables it; the "
     "procedure reads what is left with recv() and closes the socket.",
     "DispatchMessage(): WM_SOCKET, FD_CLOSE(상대가 접속을 종료했다): 대응 함수는 없다. 윈도우 프로시저는 남은 "
     "데이터를 recv()로 읽고 소켓을 닫는다."}};
static const text2 T_UI_DISPATCH = {
    "DispatchMessage(): an ordinary window message (paint, input): the same window procedure handles it, "
    "and socket messages behind it in the queue wait.",
    "DispatchMessage(): 일반 윈도우 메시지(그리기, 입력): 같은 윈도우 프로시저가 처리하고, 큐에서 그 뒤의 소켓 "
    "메시지는 기다린다."};
static const text2 T_SIGNAL = {
    "An event object was signalled: WSAWaitForMultipleEvents() wakes the thread waiting on it (at most 64 "
    "events per wait), which then asks which network events happened.",
    "이벤트 객체가 신호 상태가 되었다. 이를 기다리던 스레드가 WSAWaitForMultipleEvents()에서 깨어나(한 번에 최대 "
    "64개) 어떤 네트워크 이벤트가 발생했는지 확인한다."};
static const text2 T_SETEVENT = {
    "WSASetEvent(): the program signals an event object itself, to tell the thread waiting on it that a "
    "new socket is there.",
    "WSASetEvent(): 프로그램이 직접 이벤트 객체를 신호 상태로 만들어, 그 객체를 기다리는 스레드에게 새 소켓이 "
    "왔음을 알린다."};
static const text2 T_RESETEVENT = {
    "WSAResetEvent(): the event object goes back to non-signalled, so that the next completion can signal "
    "it again (a manual-reset event stays signalled until reset).",
    "WSAResetEvent(): 이벤트 객체를 비신호 상태로 되돌려 다음 완료가 다시 신호 상태로 만들 수 있게 한다(수동 리셋 "
    "이벤트는 리셋할 때까지 신호 상태를 유지한다)."};
static const text2 T_CREATEEVENT = {
    "WSACreateEvent(): a new event object, manual-reset and non-signalled.",
    "WSACreateEvent(): 수동 리셋, 비신호 상태의 이벤트 객체를 새로 만든다."};
static const text2 T_CLOSEEVENT = {
    "WSACloseEvent(): the event object is released.", "WSACloseEvent(): 이벤트 객체를 해제한다."};
static const text2 T_GETOVERLAPPED = {
    "WSAGetOverlappedResult(): the result of the finished overlapped operation: the bytes it transferred, "
    "or its error.",
    "WSAGetOverlappedResult(): 완료된 중첩 입출력 작업의 결과(전송한 바이트 수 또는 오류)를 얻는다."};
static const text2 T_SLEEPEX = {
    "SleepEx(INFINITE, TRUE): an alertable wait. The thread sleeps until a completion routine is queued to "
    "it; the routine runs in this same thread, and SleepEx then returns WAIT_IO_COMPLETION.",
    "SleepEx(INFINITE, TRUE): 경고 가능 대기(alertable wait). 완료 루틴이 이 스레드에 들어올 때까지 잠들고, 완료 "
    "루틴은 바로 이 스레드에서 실행된 뒤 SleepEx()가 WAIT_IO_COMPLETION을 리턴한다."};
static const text2 T_ROUTINE = {
    "A completion routine (lpCompletionRoutine) ran in the thread that issued the operation, inside its "
    "alertable wait: it takes the result and posts the next WSARecv/WSASend.",
    "완료 루틴(lpCompletionRoutine)이 작업을 요청한 스레드에서, 경고 가능 대기 중에 실행되었다. 결과를 받아 다음 "
    "WSARecv()/WSASend()를 요청한다."};

/* An overlapped submission: WSARecv/WSASend on Windows and for the
 * stand-ins; io_uring's own SQEs are plain submissions. */
static const text2 *submit_text(const vw_ev *e)
{
    if (!(e->flags & (SS_EV_KERNEL | SS_EV_STANDIN)))
        return &T_SUBMIT;
    return e->sub == SS_API_SEND ? &T_WSASEND : e->sub == SS_API_RECV ? &T_WSARECV : &T_SUBMIT;
}

/* How a model's overlapped operations complete (T_DONE_BY). A Linux trace
 * recorded when "overlapped" was both ways (events by default) says
 * routines only in its parameters. */
static int done_by(const vw_run *r)
{
    if (strcmp(r->model, "iocp") == 0)
        return 0;
    if (strcmp(r->model, "overlapped-event") == 0)
        return 1;
    if (strcmp(r->model, "overlapped") == 0)
        return strstr(r->params, "routines") || strstr(r->mechanism, "completion routines") ? 2 : 1;
    return 3;
}

static const text2 *api_text(const vw_ev *e)
{
    switch (e->api) {
    case SS_API_ACCEPT: return &T_ACCEPT;
    case SS_API_CONNECT: return &T_CONNECT;
    case SS_API_RECV: return &T_RECV;
    case SS_API_SEND: return &T_SEND;
    case SS_API_SELECT: return &T_SELECT;
    case SS_API_FD_SETS: return &T_FD_SETS;
    case SS_API_POLL: return &T_POLL;
    case SS_API_EPOLL_WAIT: return &T_EPOLL_WAIT;
    case SS_API_EPOLL_CTL:
    case SS_API_EPOLL_CREATE: return &T_EPOLL_CTL;
    case SS_API_URING_ENTER:
    case SS_API_URING_SETUP: return &T_URING_ENTER;
    case SS_API_OP_SUBMIT: return submit_text(e);
    case SS_API_OP_COMPLETE: return &T_COMPLETE;
    case SS_API_MSG_POST: return (e->flags & (SS_EV_KERNEL | SS_EV_STANDIN)) ? &T_POSTMESSAGE : &T_MSG_POST;
    case SS_API_MSG_DISPATCH: return &T_MSG_DISPATCH;
    case SS_API_EVENT_SIGNAL: return (e->flags & (SS_EV_KERNEL | SS_EV_STANDIN)) ? &T_SETEVENT : &T_SIGNAL;
    case SS_API_CPU_WORK: return e->sub == VW_SUB_BIG ? &T_UI_WORK : &T_CPU; /* SS_MSG_UI: not a request's */
    case SS_API_WAKEUP: return &T_WAKEUP;
    case SS_API_TRACE_WAIT: return &T_TRACE_WAIT;
    case SS_API_CLOSE:
    case SS_API_SHUTDOWN: return &T_CLOSE;
    case SS_API_SOCKET:
    case SS_API_BIND:
    case SS_API_LISTEN:
    case SS_API_SETSOCKOPT:
    case SS_API_GETSOCKNAME: return &T_SETUP;
    case SS_API_FCNTL:
    case SS_API_IOCTL: return &T_NONBLOCK;
    case SS_API_REFUSED: return &T_REFUSED;
    case SS_API_ROUTINE: return &T_ROUTINE;
    case SS_API_WSA_ASYNC_SELECT: return &T_WSAASYNCSELECT;
    case SS_API_GET_MESSAGE: return &T_GETMESSAGE;
    case SS_API_WSA_CREATE_EVENT: return &T_CREATEEVENT;
    case SS_API_WSA_CLOSE_EVENT: return &T_CLOSEEVENT;
    case SS_API_WSA_EVENT_SELECT: return &T_WSAEVENTSELECT;
    case SS_API_WSA_WAIT: return &T_WSAWAIT;
    case SS_API_ENUM_EVENTS:
    case SS_API_WSA_ENUM_EVENTS: return &T_WSAENUM;
    case SS_API_WSA_GET_OVERLAPPED: return &T_GETOVERLAPPED;
    case SS_API_SLEEP_EX: return &T_SLEEPEX;
    case SS_API_IOCP_CREATE: return e->sock >= 0 ? &T_IOCP_ASSOC : &T_IOCP_CREATE;
    case SS_API_IOCP_GET: return &T_GQCS;
    case SS_API_IOCP_POST: return &T_IOCP_POST;
    case SS_API_WSA_RESET_EVENT: return &T_RESETEVENT;
    default: return &T_OTHER;
    }
}

/* A socket call that can report a would-block (not a futex that found its
 * value changed). */
static int would_block(const vw_ev *e)
{
    return vw_ev_err(e) == SS_E_WOULDBLOCK && ss_api_is_socket_call(e->api);
}

/* The message dispatch enclosing event idx of lane l, or NULL. */
static const vw_ev *enclosing_dispatch(const vw_lane *l, size_t idx)
{
    const vw_ev *e = &l->ev[idx];
    for (size_t k = idx; k-- > 0 && idx - k < 64;) {
        const vw_ev *d = &l->ev[k];
        if (d->api == SS_API_MSG_DISPATCH && vw_ev_end(d) >= vw_ev_end(e))
            return d;
        if (d->api == SS_API_MSG_DISPATCH || d->api == SS_API_GET_MESSAGE)
            return NULL; /* an earlier message, already over */
    }
    return NULL;
}

static const text2 *dispatch_text(const vw_ev *d)
{
    if (d->sub == VW_SUB_BIG) /* SS_MSG_UI */
        return &T_UI_DISPATCH;
    static const unsigned order[6] = {SS_NE_READ, SS_NE_WRITE, SS_NE_OOB, SS_NE_ACCEPT, SS_NE_CONNECT, SS_NE_CLOSE};
    for (int i = 0; i < 6; i++)
        if (d->sub == order[i])
            return &T_DISPATCH_FD[i];
    return &T_MSG_DISPATCH;
}

static void append(char *out, size_t n, const char *s)
{
    size_t len = strlen(out);
    if (len < n)
        snprintf(out + len, n - len, "%s", s);
}

/* One event's own explanation, by its role in the model. */
static void explain_one(const vw_run *r, const vw_ev *e, int in_dispatch, vw_lang lang, char *out, size_t n)
{
    if (would_block(e)) {
        snprintf(out, n, "%s", pick(in_dispatch ? &T_WOULDBLOCK_AFTER_MSG : &T_WOULDBLOCK, lang));
        return;
    }
    snprintf(out, n, "%s", pick(e->api == SS_API_OP_COMPLETE && done_by(r) == 0 ? &T_PACKET : api_text(e), lang));
    if (e->api == SS_API_SELECT && e->sub < 3)
        append(out, n, pick(&T_SELECT_TIMEOUT[e->sub], lang));
    if (e->api == SS_API_OP_SUBMIT && (e->flags & (SS_EV_KERNEL | SS_EV_STANDIN)))
        append(out, n, pick(&T_DONE_BY[done_by(r)], lang));
    if ((e->flags & SS_EV_WAITED) && e->api != SS_API_TRACE_WAIT)
        append(out, n, pick(&T_WAITED, lang));
}

void vw_caption_explain(const vw_run *r, int lane, size_t idx, vw_lang lang, char *out, size_t n)
{
    const vw_lane *l = &r->lanes[lane];
    const vw_ev *e = &l->ev[idx];
    const vw_ev *d = e->api == SS_API_MSG_DISPATCH ? e : enclosing_dispatch(l, idx);
    out[0] = 0;
    if (d && d->sub == VW_SUB_BIG && e->api == SS_API_CPU_WORK) { /* a UI message's work, wherever recorded */
        snprintf(out, n, "%s", pick(&T_UI_WORK, lang));
        return;
    }
    if (d) {
        snprintf(out, n, "%s", pick(dispatch_text(d), lang));
        if (d == e)
            return;
        append(out, n, " ");
    }
    char own[1024];
    explain_one(r, e, d != NULL, lang, own, sizeof own);
    append(out, n, own);
}

/* --- names and facts ---------------------------------------------------------- */
void vw_net_events(unsigned bits, char *out, size_t n)
{
    static const struct { unsigned bit; const char *name; } ne[] = {
        {SS_NE_ACCEPT, "FD_ACCEPT"}, {SS_NE_READ, "FD_READ"}, {SS_NE_WRITE, "FD_WRITE"},
        {SS_NE_CLOSE, "FD_CLOSE"}, {SS_NE_CONNECT, "FD_CONNECT"}, {SS_NE_OOB, "FD_OOB"}};
    out[0] = 0;
    if (bits == VW_SUB_BIG) { /* SS_MSG_UI (or WM_QUIT) */
        snprintf(out, n, "UI");
        return;
    }
    if (bits > 0x3f)
        return;
    for (size_t i = 0; i < sizeof ne / sizeof ne[0]; i++)
        if (bits & ne[i].bit) {
            append(out, n, out[0] ? "|" : "");
            append(out, n, ne[i].name);
        }
}

static int carries_net_events(int api)
{
    return api == SS_API_MSG_POST || api == SS_API_MSG_DISPATCH || api == SS_API_GET_MESSAGE ||
           api == SS_API_EVENT_SIGNAL || api == SS_API_ENUM_EVENTS || api == SS_API_WSA_ENUM_EVENTS ||
           api == SS_API_WSA_EVENT_SELECT || api == SS_API_WSA_ASYNC_SELECT;
}

void vw_ev_label(const vw_run *r, const vw_ev *e, vw_lang lang, char *out, size_t n)
{
    const char *name = vw_ev_name(e);
    char ne[64] = "";
    if (carries_net_events(e->api))
        vw_net_events(e->sub, ne, sizeof ne);
    int impl = vw_ev_impl(r, e);
    const char *sep = ne[0] ? " " : "";
    if (impl < 0)
        snprintf(out, n, "%s%s%s", name, sep, ne);
    else if (impl == 0)
        snprintf(out, n, "%s%s%s (%s)", name, sep, ne, lang == VW_LANG_KO ? "여기서는 커널 진입 없음" : "no kernel entry here");
    else if (lang == VW_LANG_KO)
        snprintf(out, n, "%s%s%s (여기서는 %s)", name, sep, ne, ss_api_name(impl));
    else
        snprintf(out, n, "%s%s%s (%s here)", name, sep, ne, ss_api_name(impl));
}

void vw_caption_facts(const vw_run *r, const vw_ev *e, const char *thread, vw_lang lang, char *out, size_t n)
{
    char dur[32], what[160], where[48] = "";
    vw_fmt_ns((double)vw_ev_dur(e), dur, sizeof dur);
    vw_ev_label(r, e, lang, what, sizeof what);
    int watched = vw_ev_watched(e);
    if (watched >= 0)
        snprintf(where, sizeof where, lang == VW_LANG_KO ? ", 소켓 %d개 대상" : ", over %d sockets", watched);
    else if (e->sock >= 0)
        snprintf(where, sizeof where, lang == VW_LANG_KO ? ", 소켓 %d" : ", socket %d", e->sock);
    const char *res = e->ret < 0 ? ss_err_name(vw_ev_err(e)) : "";
    const char *slept = (e->flags & SS_EV_WAITED) ? (lang == VW_LANG_KO ? ", 대기함" : ", slept") : "";
    if (lang == VW_LANG_KO)
        snprintf(out, n, "%s — %s%s, 결과 %d%s%s, %s%s", thread, what, where, e->ret, res[0] ? " " : "", res, dur,
                 slept);
    else
        snprintf(out, n, "%s — %s%s, result %d%s%s, %s%s", thread, what, where, e->ret, res[0] ? " " : "", res, dur,
                 slept);
}

const char *vw_caption_emul_note(vw_lang lang)
{
    static const text2 t = {
        "Grey lanes: the Linux stand-in's own machinery (a notifier or port thread, futexes, eventfds, "
        "io_uring) playing what Windows does in its kernel. It is not the Windows program: captions and "
        "counters leave it out, and `sockscope stats` reports its cost apart.",
        "회색 레인: 윈도우가 커널에서 하는 일을 리눅스에서 대신하는 장치(알림 스레드나 포트 스레드, futex, eventfd, "
        "io_uring)다. 윈도우 프로그램의 일이 아니므로 설명과 카운터에서 뺐고, `sockscope stats`가 그 비용을 따로 "
        "보고한다."};
    return pick(&t, lang);
}

int vw_caption_nagle_note(const vw_run *r, vw_lang lang, char *out, size_t n)
{
    uint64_t p50 = r->nlat ? r->lat[r->nlat - 1].p50 : 0; /* the whole run's */
    if (!r->nagle_prone || p50 < SS_NAGLE_STALL_NS)
        return 0;
    char med[32];
    vw_fmt_ns((double)p50, med, sizeof med);
    if (lang == VW_LANG_KO)
        snprintf(out, n,
                 "이 실행의 요청은 입출력 모델이 아니라 TCP를 기다렸다(중앙값 %s). 최대 %ld바이트 메시지를 %d바이트씩 "
                 "나누어 되돌려 보내는데, TCP_NODELAY가 없으면 네이글(Nagle) 알고리즘이 마지막 조각을 클라이언트의 "
                 "지연된 ACK가 올 때까지 붙잡아 둔다(--nodelay로 끈다).",
                 med, r->size_max, r->buffer);
    else
        snprintf(out, n,
                 "The requests of this run waited for TCP, not for the I/O model (median %s): messages of up to %ld "
                 "bytes are echoed in %d-byte pieces, and without TCP_NODELAY Nagle's algorithm holds the last piece "
                 "until the client's delayed ACK (--nodelay turns it off).",
                 med, r->size_max, r->buffer);
    return 1;
}

typedef struct model_note {
    const char *model;
    text2 note;
} model_note;

static const model_note NOTES[] = {
    {"blocking-iterative", {"Iterative server (table 11-3): one thread, few resources; but a slow client makes every other client wait.",
                            "반복 서버(표 11-3): 스레드 하나로 자원 소모가 적지만, 한 클라이언트 처리가 길어지면 다른 클라이언트가 기다린다."}},
    {"blocking-threads", {"Concurrent server (table 11-4): a thread per client, so one slow client delays no one; but threads cost resources, and each call blocks its thread.",
                          "병행 서버(표 11-4): 클라이언트마다 스레드를 두어 한 클라이언트가 늦어도 다른 클라이언트에 영향이 없지만, 스레드를 여럿 만들어 시스템 자원 소모가 크다."}},
    {"nonblocking", {"Non-blocking sockets (table 11-2): no deadlock and one thread serves many sockets, but the program spins on WSAEWOULDBLOCK and burns CPU.",
                     "넌블로킹 소켓(표 11-2): 교착 상태가 없고 스레드 하나로 여러 소켓을 처리하지만, WSAEWOULDBLOCK을 계속 확인하느라 CPU 사용률이 높다."}},
    {"select", {"Select model (Windows 95+ and NT+, table 11-5): portable to every Windows and to Unix/Linux; but a thread handles at most 64 sockets (FD_SETSIZE), and every call rescans the sets.",
                "Select 모델(윈도우 95 이상, NT 이상: 표 11-5): 모든 윈도우와 유닉스/리눅스에서 쓸 수 있어 이식성이 높지만, 스레드당 처리할 수 있는 소켓이 64개(FD_SETSIZE)로 제한되고, 호출할 때마다 셋을 다시 검사한다."}},
    {"poll", {"poll: select without the 64-socket limit, still one kernel scan of every socket per call.",
              "poll: 64개 제한이 없는 select. 여전히 호출마다 커널이 모든 소켓을 검사한다."}},
    {"epoll", {"epoll (Linux): the kernel keeps the interest list and reports only ready sockets: cheap waits, still one call per read or write.",
               "epoll(리눅스): 관심 목록을 커널이 유지하고 준비된 소켓만 알려 준다. 대기는 싸지만 읽기와 쓰기마다 호출이 하나씩 필요하다."}},
    {"async-select", {"WSAAsyncSelect model (Windows 95+ and NT+, table 11-5): socket events arrive as window messages, so it fits GUI programs; but one window procedure handles window and socket messages alike, which slows it down.",
                      "WSAAsyncSelect 모델(윈도우 95 이상, NT 이상: 표 11-5): 소켓 이벤트를 윈도우 메시지로 처리해 GUI 응용 프로그램과 잘 결합하지만, 단일 윈도우 프로시저에서 일반 메시지와 소켓 메시지를 모두 처리해야 해 성능 저하 요인이 된다."}},
    {"event-select", {"WSAEventSelect model (Windows 95+ and NT 3.51+, table 11-5): an event object per socket, at most 64 per wait, so past 64 sockets a server needs another waiting thread (or, with one thread, refuses).",
                      "WSAEventSelect 모델(윈도우 95 이상, NT 3.51 이상: 표 11-5): 소켓마다 이벤트 객체를 두고, 한 번에 최대 64개를 기다리므로 소켓이 64개를 넘으면 대기 스레드를 더 두어야 한다(스레드가 하나면 거절한다)."}},
    {"overlapped", {"Overlapped model (Windows 95+ and NT 3.51+, table 11-5): asynchronous operations, completed on the issuing thread; CPU work and I/O overlap.",
                    "Overlapped 모델(윈도우 95 이상, NT 3.51 이상: 표 11-5): 비동기 입출력으로 CPU 작업과 입출력이 병행되며, 완료는 요청한 스레드가 처리한다."}},
    {"iocp", {"Completion Port model (Windows NT 3.5+, not 95/98/Me: table 11-5): asynchronous I/O and a completion queue served by a few workers; the textbook calls it the best performer, harder to write than blocking sockets + threads. Compare its counters with the others'.",
              "Completion Port 모델(윈도우 NT 3.5 이상, 95/98/Me 제외: 표 11-5): 비동기 입출력과 완료 포트를 소수의 작업자 스레드가 처리한다. 교재는 가장 뛰어난 성능을 낸다고 하며, 블로킹 소켓+스레드보다 코딩이 복잡하다. 카운터를 다른 모델과 비교해 보자."}},
    {"io_uring", {"io_uring (outside the book, Linux): asynchronous like a completion port, and many operations per kernel entry: the fewest user/kernel transitions.",
                  "io_uring(교재 밖, 리눅스): 완료 포트처럼 비동기이고, 커널 진입 한 번에 여러 작업을 처리해 유저/커널 모드 전환이 가장 적다."}},
};

const char *vw_caption_model(const char *model, vw_lang lang)
{
    static const text2 generic = {"An I/O model: compare its blocking, threads, overlap of CPU and I/O, and transitions.",
                                  "소켓 입출력 모델: 블로킹, 스레드 수, CPU와 입출력의 병행, 모드 전환 횟수를 비교해 보자."};
    for (size_t i = 0; i < sizeof NOTES / sizeof NOTES[0]; i++)
        if (strcmp(NOTES[i].model, model) == 0)
            return pick(&NOTES[i].note, lang);
    return pick(&generic, lang);
}
