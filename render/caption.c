/* caption.c — lecture texts. A C table rather than asset files: the
 * captions are part of the program's behaviour (tests check them), and a
 * table cannot go missing at run time. Sources: the chapter's tables, cited
 * in each text so that a lecturer can point at the page. */
#include "render/caption.h"

#include <stdio.h>
#include <string.h>

#include "render/timeline.h"

int vw_lang_parse(const char *s, vw_lang *out)
{
    if (strcmp(s, "en") == 0) *out = VW_LANG_EN;
    else if (strcmp(s, "ko") == 0) *out = VW_LANG_KO;
    else return -1;
    return 0;
}

/* --- picking the event --------------------------------------------------------- */
int vw_caption_pick(const vw_run *r, double t, int *lane, size_t *idx)
{
    if (t < 0)
        return -1;
    int found = 0, best_running = 0;
    uint64_t best_t0 = 0, tt = (uint64_t)t;
    for (int i = 0; i < r->nserver; i++) {
        const vw_lane *l = &r->lanes[i];
        if (!vw_lane_is_model(l))
            continue; /* captions teach the model, never the stand-in's machinery */
        size_t k = vw_lane_lower(l, tt + 1);
        if (!k)
            continue;
        const vw_ev *e = &l->ev[k - 1];
        int running = vw_ev_end(e) >= tt && vw_ev_dur(e) > 0;
        /* prefer something happening now; among equals, the most recent */
        if (!found || (running && !best_running) || (running == best_running && e->t0 > best_t0)) {
            found = 1;
            best_running = running;
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

static const text2 T_WOULDBLOCK = {
    "Non-blocking socket: the condition was not met, so the call returned at once with EWOULDBLOCK "
    "(WSAEWOULDBLOCK) instead of stopping the thread. Call it again later (table 11-2: no deadlock, but "
    "more CPU and a more complex program).",
    "넌블로킹 소켓: 조건을 만족하지 않아 스레드를 멈추지 않고 곧바로 WSAEWOULDBLOCK(EWOULDBLOCK) 오류를 리턴했다. "
    "나중에 다시 호출하면 된다(표 11-2: 교착 상태는 없지만 CPU 사용률이 높고 프로그램 구조가 복잡해진다)."};

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
    "the write set can send() (table 11-6). It returns how many sockets are ready; the program then scans "
    "every set to find them.",
    "select()는 읽기 셋의 소켓이 accept()나 recv()를 할 수 있게 되거나(또는 상대가 연결을 종료), 쓰기 셋의 "
    "소켓이 send()를 할 수 있게 될 때까지 기다린다(표 11-6). 준비된 소켓 수를 리턴하고, 프로그램은 셋을 모두 "
    "검사해 그 소켓을 찾는다."};
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
    "A completion packet: the kernel finished an asynchronous operation and this thread took the result "
    "from the completion queue (GetQueuedCompletionStatus in the Completion Port model).",
    "완료 패킷: 커널이 비동기 입출력을 끝냈고, 이 스레드가 완료 큐에서 결과를 꺼냈다(Completion Port 모델의 "
    "GetQueuedCompletionStatus())."};
static const text2 T_MSG_POST = {
    "A network event became a window message in the queue: FD_ACCEPT (a client connected), FD_READ (data "
    "can be received), FD_WRITE (data can be sent), FD_CLOSE (the peer closed) (table 11-8).",
    "네트워크 이벤트가 윈도우 메시지가 되어 큐에 들어갔다: FD_ACCEPT(접속한 클라이언트가 있다), FD_READ(데이터 "
    "수신이 가능하다), FD_WRITE(데이터 송신이 가능하다), FD_CLOSE(상대가 접속을 종료했다)(표 11-8)."};
static const text2 T_MSG_DISPATCH = {
    "The window procedure handles the message and calls the matching function: FD_ACCEPT - accept(), "
    "FD_READ - recv(), FD_WRITE - send(), FD_CLOSE - none (table 11-9). If it does not, the same message "
    "will not be posted again.",
    "윈도우 프로시저가 메시지를 처리하며 대응 함수를 호출한다: FD_ACCEPT - accept(), FD_READ - recv(), "
    "FD_WRITE - send(), FD_CLOSE - 없음(표 11-9). 대응 함수를 호출하지 않으면 같은 메시지가 다시 오지 않는다."};
static const text2 T_SIGNAL = {
    "An event object was signalled: WSAWaitForMultipleEvents() wakes the thread waiting on it (at most 64 "
    "events per wait), which then asks which network events happened.",
    "이벤트 객체가 신호 상태가 되었다. 이를 기다리던 스레드가 WSAWaitForMultipleEvents()에서 깨어나(한 번에 최대 "
    "64개) 어떤 네트워크 이벤트가 발생했는지 확인한다."};
static const text2 T_CPU = {
    "User code is computing (the work of a request). No socket call, no kernel entry: with asynchronous "
    "I/O the kernel keeps moving data meanwhile.",
    "유저 코드가 계산 중이다(요청 처리 작업). 소켓 함수 호출도 커널 진입도 없다. 비동기 입출력이라면 그동안에도 "
    "커널이 데이터를 옮긴다."};
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
    "A client was refused: the model's limit was reached (select: 64 sockets per set with Winsock's FD_SETSIZE).",
    "클라이언트를 거절했다. 모델의 한도에 도달했다(select: Winsock의 FD_SETSIZE에 따라 셋당 소켓 64개)."};
static const text2 T_OTHER = {
    "A socket call: the thread entered the kernel and came back.",
    "소켓 함수 호출: 스레드가 커널에 들어갔다가 돌아왔다."};
static const text2 T_WAITED = {
    " The thread was stopped here until the condition was met (a blocking call).",
    " 조건을 만족할 때까지 스레드 실행이 여기서 정지했다(블로킹)."};

static const text2 *api_text(int api)
{
    switch (api) {
    case SS_API_ACCEPT: return &T_ACCEPT;
    case SS_API_CONNECT: return &T_CONNECT;
    case SS_API_RECV: return &T_RECV;
    case SS_API_SEND: return &T_SEND;
    case SS_API_SELECT: return &T_SELECT;
    case SS_API_POLL: return &T_POLL;
    case SS_API_EPOLL_WAIT: return &T_EPOLL_WAIT;
    case SS_API_EPOLL_CTL:
    case SS_API_EPOLL_CREATE: return &T_EPOLL_CTL;
    case SS_API_URING_ENTER:
    case SS_API_URING_SETUP: return &T_URING_ENTER;
    case SS_API_OP_SUBMIT: return &T_SUBMIT;
    case SS_API_OP_COMPLETE: return &T_COMPLETE;
    case SS_API_MSG_POST: return &T_MSG_POST;
    case SS_API_MSG_DISPATCH: return &T_MSG_DISPATCH;
    case SS_API_EVENT_SIGNAL: return &T_SIGNAL;
    case SS_API_CPU_WORK: return &T_CPU;
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
    default: return &T_OTHER;
    }
}

const char *vw_caption_explain(const vw_ev *e, vw_lang lang)
{
    static _Thread_local char buf[1024];
    if (vw_ev_err(e) == SS_E_WOULDBLOCK)
        return pick(&T_WOULDBLOCK, lang);
    const char *base = pick(api_text(e->api), lang);
    if (!(e->flags & SS_EV_WAITED))
        return base;
    snprintf(buf, sizeof buf, "%s%s", base, pick(&T_WAITED, lang));
    return buf;
}

void vw_caption_facts(const vw_ev *e, const char *thread, vw_lang lang, char *out, size_t n)
{
    char dur[32], what[64];
    vw_fmt_ns((double)vw_ev_dur(e), dur, sizeof dur);
    if (e->api == SS_API_OP_SUBMIT || e->api == SS_API_OP_COMPLETE)
        snprintf(what, sizeof what, "%s: %s", ss_api_name(e->api), ss_api_name(e->sub));
    else
        snprintf(what, sizeof what, "%s()", ss_api_name(e->api));
    const char *res = e->ret < 0 ? ss_err_name(vw_ev_err(e)) : "";
    const char *slept = (e->flags & SS_EV_WAITED) ? (lang == VW_LANG_KO ? ", 대기함" : ", slept") : "";
    if (lang == VW_LANG_KO)
        snprintf(out, n, "%s — %s 소켓 %d, 결과 %d%s%s, %s%s", thread, what, e->sock, e->ret, res[0] ? " " : "", res,
                 dur, slept);
    else
        snprintf(out, n, "%s — %s socket %d, result %d%s%s, %s%s", thread, what, e->sock, e->ret, res[0] ? " " : "",
                 res, dur, slept);
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
    {"select", {"Select model: portable to every Windows and to Unix/Linux; but a thread handles at most 64 sockets (FD_SETSIZE), and every call rescans the sets.",
                "Select 모델: 모든 윈도우와 유닉스/리눅스에서 쓸 수 있어 이식성이 높지만, 스레드당 처리할 수 있는 소켓이 64개로 제한된다."}},
    {"poll", {"poll: select without the 64-socket limit, still one kernel scan of every socket per call.",
              "poll: 64개 제한이 없는 select. 여전히 호출마다 커널이 모든 소켓을 검사한다."}},
    {"epoll", {"epoll (Linux): the kernel keeps the interest list and reports only ready sockets: cheap waits, still one call per read or write.",
               "epoll(리눅스): 관심 목록을 커널이 유지하고 준비된 소켓만 알려 준다. 대기는 싸지만 읽기와 쓰기마다 호출이 하나씩 필요하다."}},
    {"async-select", {"WSAAsyncSelect model: socket events arrive as window messages, so it fits GUI programs; but one window procedure handles window and socket messages alike, which slows it down.",
                      "WSAAsyncSelect 모델: 소켓 이벤트를 윈도우 메시지로 처리해 GUI 응용 프로그램과 잘 결합하지만, 단일 윈도우 프로시저에서 일반 메시지와 소켓 메시지를 모두 처리해야 해 성능 저하 요인이 된다."}},
    {"event-select", {"WSAEventSelect model: an event object per socket, at most 64 per wait, so one waiting thread per 64 sockets.",
                      "WSAEventSelect 모델: 소켓마다 이벤트 객체를 두고, 한 번에 최대 64개를 기다리므로 소켓 64개마다 대기 스레드가 하나 필요하다."}},
    {"overlapped", {"Overlapped I/O: asynchronous operations, completed on the issuing thread; CPU work and I/O overlap.",
                    "Overlapped 모델: 비동기 입출력으로 CPU 작업과 입출력이 병행되며, 완료는 요청한 스레드가 처리한다."}},
    {"iocp", {"Completion Port model: asynchronous I/O and a completion queue served by a few workers: the best performance; harder to write than blocking sockets + threads, no other weakness.",
              "Completion Port 모델: 비동기 입출력과 완료 포트로 가장 뛰어난 성능을 낸다. 블로킹 소켓+스레드보다 코딩이 복잡하지만 성능 면의 단점은 없다."}},
    {"io_uring", {"io_uring (beyond the book): asynchronous like a completion port, and many operations per kernel entry: the fewest user/kernel transitions.",
                  "io_uring(교재 이후): 완료 포트처럼 비동기이고, 커널 진입 한 번에 여러 작업을 처리해 유저/커널 모드 전환이 가장 적다."}},
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
