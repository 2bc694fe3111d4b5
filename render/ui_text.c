/* ui_text.c — the viewer's own words (legend, counters, header, tooltips,
 * buttons, the run form, the models' mechanism lines) in English and
 * Korean. Event captions are in caption.c. A key ending in "_fmt" is a
 * printf format; both languages take the same arguments in the same order. */
#include "render/ui_text.h"

#include <stdio.h>
#include <string.h>

typedef struct text2 {
    const char *en, *ko;
} text2;

static const char *pick(const text2 *t, vw_lang lang) { return lang == VW_LANG_KO ? t->ko : t->en; }

typedef struct label {
    const char *key;
    text2 t;
} label;

/* one line a text, English and Korean side by side */
/* clang-format off */
static const label LABELS[] = {
    /* legend */
    {"user", {"user code", "유저 코드"}},
    {"kernel", {"in kernel", "커널 안"}},
    {"wait", {"blocked / waiting", "블로킹 / 대기"}},
    {"idle", {"idle", "유휴"}},
    {"completion", {"completion packet", "완료 패킷"}},
    {"message", {"window message", "윈도우 메시지"}},
    {"request", {"client request", "클라이언트 요청"}},
    {"emul", {"stand-in kernel side (Linux)", "대역의 커널 쪽 (리눅스)"}},
    {"inflight", {"async op in flight", "진행 중인 비동기 작업"}},
    /* lanes */
    {"kernel_lane", {"kernel: async ops", "커널: 비동기 작업"}},
    {"msg_lane", {"message queue", "메시지 큐"}},
    {"inline_emul_lane", {"stand-in calls", "대역 호출"}},
    {"clients", {"clients", "클라이언트"}},
    {"clients_fmt", {"clients %d–%d", "클라이언트 %d–%d"}},
    /* counters (counters.c lists them) */
    {"calls", {"socket calls", "소켓 함수 호출"}},
    {"transitions", {"user/kernel", "유저/커널 전환"}},
    {"per_request", {"transitions/req", "요청당 전환"}},
    {"blocked", {"blocked", "블로킹 시간"}},
    {"blocked_pct", {"blocked %", "블로킹 비율"}},
    {"cpu", {"CPU time", "CPU 시간"}},
    {"wouldblock", {"would-block", "WOULDBLOCK"}},
    {"packets", {"completions", "완료 패킷"}},
    {"threads", {"threads", "스레드"}},
    {"requests", {"requests", "요청 완료"}},
    {"refused", {"refused", "거부"}},
    {"latency", {"p50 / p99", "p50 / p99"}},
    /* header */
    {"PLAYING", {"PLAYING", "재생 중"}},
    {"PAUSED", {"PAUSED", "일시 정지"}},
    {"pace_fmt", {"pace: screen in %s · 1 ms = %s", "속도: 화면 한 폭 %s · 1 ms = %s"}},
    {"speed_fmt", {"%s of trace = 1 s", "트레이스 %s = 1초"}},
    {"follow_off", {"P: back to the playhead", "P: 재생 위치로"}},
    {"keys_long", {"space play  ←/→ step  ↑/↓ pace  wheel zoom  drag pan  P playhead  O overview  L lecture  K lang  R run  S shot",
                   "스페이스 재생  ←/→ 이벤트  ↑/↓ 속도  휠 확대  드래그 이동  P 재생 위치  O 개요  L 강의  K 언어  R 실행  S 저장"}},
    {"keys_short", {"space play  ↑/↓ pace  P playhead  O overview  L lecture  K lang",
                    "스페이스 재생  ↑/↓ 속도  P 재생 위치  O 개요  L 강의  K 언어"}},
    {"panels_fmt", {"panels %d–%d of %d  PgUp/PgDn", "패널 %d–%d / %d  PgUp/PgDn"}},
    {"panels_slide_fmt", {"panels %d–%d of %d", "패널 %d–%d / %d"}},
    {"overview_fmt", {"overview of %d runs: click a strip to open it  O panels", "실행 %d개 개요: 띠를 누르면 열린다  O 패널"}},
    {"opened", {"◀ overview", "◀ 개요"}},
    {"whole run", {"whole run", "전체"}},
    {"no runs", {"No runs loaded. Press R to run models here, or open a trace: sockscope view FILE",
                 "열린 실행이 없습니다. R을 눌러 모델을 실행하거나 sockscope view FILE 로 트레이스를 여세요."}},
    {"empty run", {"(empty run: no events were recorded)", "(빈 실행: 기록된 이벤트가 없다)"}},
    {"dropped", {"(events were dropped)", "(이벤트가 유실됨)"}},
    {"warning_fmt", {"warning: %s", "경고: %s"}},
    {"saved_fmt", {"session saved to %s (%d runs)", "세션을 %s에 저장했다 (실행 %d개)"}},
    /* overview strips */
    {"server_state", {"server threads", "서버 스레드"}},
    {"q_ops", {"async ops in flight", "진행 중인 비동기 작업"}},
    {"q_msgs", {"messages queued", "큐의 메시지"}},
    {"q_reqs", {"requests in flight", "처리 중인 요청"}},
    {"max_fmt", {" (max %lu)", " (최대 %lu)"}},
    /* lecture caption strip */
    {"press_play", {"Press play: each call is explained as it happens.", "재생을 누르면 첫 호출부터 설명합니다."}},
    {"more_fmt", {"more: C (%d/%d)", "더 보기: C (%d/%d)"}},
    {"scenario_fmt", {"Scenario %s: ", "시나리오 %s: "}},
    /* tooltips */
    {"tip_sock_fmt", {"socket %d   result %d%s%s", "소켓 %d   결과 %d%s%s"}},
    {"tip_at_fmt", {"at %s   took %s", "시작 %s   걸린 시간 %s"}},
    {"kernel entry", {"kernel entry", "커널 진입"}},
    {"no kernel entry", {"no kernel entry", "커널 진입 없음"}},
    {", could block", {", could block", ", 블로킹 가능"}},
    {", slept", {", the thread slept (blocked)", ", 스레드가 잠듦(블로킹)"}},
    {", did not sleep", {", did not sleep", ", 잠들지 않음"}},
    {", not measured", {", sleep not measured here", ", 잠들었는지 측정 안 됨"}},
    {"tip_async_fmt", {"asynchronous %s on socket %d", "비동기 %s, 소켓 %d"}},
    {"tip_msg_fmt", {"window message %s on socket %d", "윈도우 메시지 %s, 소켓 %d"}},
    {"tip_emul", {"Linux stand-in machinery: not the Windows program's, counted apart",
                  "리눅스 대역의 장치: 윈도우 프로그램의 것이 아니며 따로 센다"}},
    {"tip_watched_fmt", {"over %d sockets   result %d%s%s", "소켓 %d개 대상   결과 %d%s%s"}},
    {"tip_sub_fmt", {"submitted at %s, in flight for %s", "제출 %s, 진행 %s"}},
    {"tip_sub_open_fmt", {"submitted at %s, never completed; open for %s", "제출 %s, 완료되지 않음(%s 경과)"}},
    {"tip_post_fmt", {"posted at %s, in the queue for %s", "게시 %s, 큐에서 %s"}},
    {"tip_post_open_fmt", {"posted at %s, never dispatched; open for %s", "게시 %s, 처리되지 않음(%s 경과)"}},
    {"tip_by_fmt", {"by %s, taken by %s%s", "요청 %s, 수신 %s%s"}},
    {" (failed)", {" (failed)", " (실패)"}},
    {"tip_depth_fmt", {"the completion queue held %u packet(s) when it was taken", "꺼낼 때 완료 큐의 패킷 %u개"}},
    /* the run form */
    {"models:", {"models:", "모델:"}},
    {"preset:", {"preset:", "프리셋:"}},
    {"(none)", {"(none)", "(없음)"}},
    {"Run", {"Run", "실행"}},
    {"running...", {"running...", "실행 중..."}},
    {"messages", {"messages", "메시지"}},
    {"size", {"size", "크기"}},
    {"think ms", {"think ms", "대기 ms"}},
    {"cpu us", {"CPU µs", "CPU µs"}}, /* the micro sign: drawn from the fallback font */
    {"latency ms", {"latency ms", "지연 ms"}},
    {"st_pick", {"pick models, or a preset, and press Run", "모델이나 프리셋을 고르고 실행을 누르세요"}},
    {"st_nopreset", {"no preset: the fields below are the whole workload", "프리셋 없음: 아래 값이 작업량 전부다"}},
    {"st_preset_fmt", {"preset %s: its models and workload are set; Run runs it", "프리셋 %s: 모델과 작업량을 채웠다. 실행을 누르면 돌린다"}},
    {"st_loadfail_fmt", {"%s", "프리셋을 읽지 못했다: %s"}},
    {"st_gone", {"the preset file went away", "프리셋 파일이 없어졌다"}},
    {"st_recfail_fmt", {"cannot record: %s", "기록할 수 없다: %s"}},
    {"st_running_fmt", {"running %s (%d of %d)...", "%s 실행 중 (%d/%d)..."}},
    {"st_failed_fmt", {"%s: %d of %d runs failed", "%s: 실행 %d/%d개 실패"}},
    {"st_done_fmt", {"done: %d run(s)", "완료: 실행 %d개"}},
    {"st_busy", {"a run is already going", "이미 실행 중이다"}},
    {"st_nomodel", {"pick at least one model", "모델을 하나 이상 고르세요"}},
    {"st_oom", {"out of memory", "메모리 부족"}},
    {"st_invalid_fmt", {"%s", "설정 오류: %s"}},
    {"st_thread", {"cannot start a thread", "스레드를 시작할 수 없다"}},
};
/* clang-format on */

const char *vw_label(const char *key, vw_lang lang)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++)
        if (strcmp(LABELS[i].key, key) == 0)
            return pick(&LABELS[i].t, lang);
    return key;
}

void vw_fmt_seconds(double s, vw_lang lang, char *out, int n)
{
    const char *unit = lang == VW_LANG_KO ? "초" : " s";
    if (s >= 10 || s == (int)s)
        snprintf(out, (size_t)n, "%.0f%s", s, unit);
    else
        snprintf(out, (size_t)n, "%.2g%s", s, unit);
}

/* --- mechanism lines --------------------------------------------------------- */
/* The models record their mechanism in English (the `.mechanism` of each file in models/);
 * the same model name has a POSIX and a Winsock text, so a translation
 * applies only to the exact text it translates. */
typedef struct mech {
    const char *model;
    text2 t;
} mech;

/* Texts once recorded that read as untrue of some runs, shown in either
 * language as what the model records now. */
typedef struct amended {
    const char *model, *was, *now;
} amended;

/* models/select.c's line */
#define SELECT_MECH                                                                                                    \
    "select(2) over non-blocking sockets; a set holds at most the run's fd_setsize sockets (by default Linux's "       \
    "FD_SETSIZE, 1024; --fd-setsize 64 plays Winsock's)"

/* clang-format off */
static const amended AMENDED[] = {
    /* "1024 here" read as the run's limit on runs with --fd-setsize 64 */
    {"select", "select(2) over non-blocking sockets; FD_SETSIZE as the run's fd_setsize says (1024 here, "
               "Winsock's 64 with --fd-setsize 64)", SELECT_MECH},
};
/* clang-format on */

/* clang-format off */
static const mech MECHS[] = {
    {"blocking-iterative", {"blocking accept/recv/send on one thread, one client at a time (others wait in the listen backlog)",
                            "스레드 하나에서 블로킹 accept/recv/send, 한 번에 클라이언트 하나(나머지는 listen 백로그에서 기다린다)"}},
    {"blocking-threads", {"blocking accept/recv/send, one POSIX thread per client",
                          "블로킹 accept/recv/send, 클라이언트마다 POSIX 스레드 하나"}},
    {"nonblocking", {"O_NONBLOCK sockets (ioctl FIONBIO) polled round-robin by one thread spinning on EWOULDBLOCK; no select/poll, no sleep",
                     "O_NONBLOCK 소켓(ioctl FIONBIO)을 스레드 하나가 돌아가며 호출하고 EWOULDBLOCK이면 곧바로 다시 시도한다. select/poll도 잠들기도 없다"}},
    {"select", {SELECT_MECH,
                "넌블로킹 소켓에 select(2). 셋 하나에 실행의 fd_setsize개까지 소켓이 들어간다(기본값은 리눅스의 "
                "FD_SETSIZE인 1024, --fd-setsize 64는 윈속의 값)"}},
    {"select", {"select(2) over non-blocking sockets (FD_SETSIZE 1024; --fd-setsize 64 for Winsock's)", /* older traces */
                "넌블로킹 소켓에 select(2) (FD_SETSIZE 1024, 윈속의 64는 --fd-setsize 64)"}},
    {"poll", {"poll(2) over non-blocking sockets, POLLIN or POLLOUT per socket as select's sets",
              "넌블로킹 소켓에 poll(2), select의 셋처럼 소켓마다 POLLIN 또는 POLLOUT"}},
    {"epoll", {"epoll(7), level-triggered (--edge-triggered for EPOLLET)", "epoll(7), 레벨 트리거 (EPOLLET은 --edge-triggered)"}},
    {"async-select", {"network events posted as messages into an SDL2 event queue by an epoll notifier thread "
                      "(stand-in for Winsock's kernel side), drained by one window-procedure thread "
                      "(SDL semaphore + SDL_PeepEvents as GetMessage); --ui-rate adds UI messages to the same queue",
                      "epoll 알림 스레드(윈속 커널 쪽의 대역)가 네트워크 이벤트를 SDL2 이벤트 큐에 메시지로 넣고, 윈도우 "
                      "프로시저 스레드 하나가 꺼내 처리한다(GetMessage 대신 SDL 세마포어 + SDL_PeepEvents). --ui-rate는 같은 "
                      "큐에 UI 메시지를 더한다"}},
    {"async-select", {"not built: needs SDL2", "빌드되지 않음: SDL2가 필요하다"}},
    {"event-select", {"an eventfd per socket as its event object, signalled by an epoll notifier thread "
                      "(stand-in for Winsock's kernel side); each waiting thread poll(2)s <=64 eventfds "
                      "(WSA_MAXIMUM_WAIT_EVENTS), one more thread per 63 sockets",
                      "소켓마다 이벤트 객체로 eventfd 하나, epoll 알림 스레드(윈속 커널 쪽의 대역)가 신호 상태로 만든다. 대기 "
                      "스레드는 eventfd를 64개(WSA_MAXIMUM_WAIT_EVENTS)까지 poll(2)하고, 소켓 63개마다 스레드가 하나 더 생긴다"}},
    {"overlapped", {"an io_uring per issuing thread; events: each SQE hard-linked to a write to the socket's eventfd, "
                    "poll() on <=64; routines: CQEs run in the io_uring_enter wait",
                    "요청 스레드마다 io_uring 하나. 이벤트 방식: SQE마다 소켓 eventfd 쓰기를 하드 링크로 잇고 64개까지 "
                    "poll(). 완료 루틴 방식: io_uring_enter 대기 안에서 CQE를 처리한다"}},
    {"iocp", {"io_uring SQEs for WSARecv/WSASend; a port thread posts each CQE as a packet to a user-space "
              "futex queue; 2 x CPUs workers dequeue it (LIFO wake)",
              "WSARecv/WSASend 대신 io_uring SQE. 포트 스레드가 CQE마다 패킷을 사용자 공간 futex 큐에 넣고, CPU 수 x 2개의 "
              "작업자 스레드가 꺼낸다(LIFO 깨우기)"}},
    {"io_uring", {"io_uring (liburing): accept/recv/send as SQEs, CQEs reaped in batches; --sqpoll available",
                  "io_uring(liburing): accept/recv/send를 SQE로 제출하고 CQE를 묶어서 거둔다. --sqpoll 사용 가능"}},
    /* the same stand-ins, as recorded since every call has a role (issue 9) */
    {"async-select", {"Linux stand-in: network events posted as messages into an SDL2 event queue by an epoll notifier "
                      "thread (emulation of Winsock's kernel side), drained by one window-procedure thread "
                      "(futex + SDL_PeepEvents as GetMessage); --ui-rate adds UI messages to the same queue",
                      "리눅스 대역: epoll 알림 스레드(윈속 커널 쪽의 에뮬레이션)가 네트워크 이벤트를 SDL2 이벤트 큐에 "
                      "메시지로 넣고, 윈도우 프로시저 스레드 하나가 꺼내 처리한다(GetMessage 대신 futex + SDL_PeepEvents). "
                      "--ui-rate는 같은 큐에 UI 메시지를 더한다"}},
    {"event-select", {"Linux stand-in: an eventfd per socket as its event object, signalled by an epoll notifier "
                      "thread (emulation of Winsock's kernel side); each waiting thread poll(2)s <=64 eventfds "
                      "(WSA_MAXIMUM_WAIT_EVENTS), one more thread per 63 sockets",
                      "리눅스 대역: 소켓마다 이벤트 객체로 eventfd 하나, epoll 알림 스레드(윈속 커널 쪽의 에뮬레이션)가 "
                      "신호 상태로 만든다. 대기 스레드는 eventfd를 64개(WSA_MAXIMUM_WAIT_EVENTS)까지 poll(2)하고, 소켓 "
                      "63개마다 스레드가 하나 더 생긴다"}},
    {"overlapped", {"Linux stand-in: an io_uring per issuing thread; completion routines run from its CQEs after the "
                    "io_uring_enter wait (SleepEx)",
                    "리눅스 대역: 요청 스레드마다 io_uring 하나. io_uring_enter 대기(SleepEx)가 끝난 뒤 CQE마다 완료 "
                    "루틴을 실행한다"}},
    {"overlapped-event", {"Linux stand-in: an io_uring per issuing thread; each SQE hard-linked to a write to the "
                          "socket's eventfd, poll() on <=64",
                          "리눅스 대역: 요청 스레드마다 io_uring 하나. SQE마다 소켓 eventfd 쓰기를 하드 링크로 잇고 "
                          "64개까지 poll()"}},
    /* traces recorded when overlapped was one Linux model of both ways (--completion) */
    {"overlapped", {"Linux stand-in: an io_uring per issuing thread; events: each SQE hard-linked to a write to the "
                    "socket's eventfd, poll() on <=64; routines: CQEs run after the io_uring_enter wait",
                    "리눅스 대역: 요청 스레드마다 io_uring 하나. 이벤트 방식: SQE마다 소켓 eventfd 쓰기를 하드 링크로 "
                    "잇고 64개까지 poll(). 완료 루틴 방식: io_uring_enter 대기가 끝난 뒤 CQE를 처리한다"}},
    {"iocp", {"Linux stand-in: io_uring SQEs carry WSARecv/WSASend; a port thread (emulation) posts each CQE "
              "as a packet to a user-space futex queue; 2 x CPUs workers dequeue it (LIFO wake)",
              "리눅스 대역: io_uring SQE가 WSARecv/WSASend를 나른다. 포트 스레드(에뮬레이션)가 CQE마다 패킷을 사용자 "
              "공간 futex 큐에 넣고, CPU 수 x 2개의 작업자 스레드가 꺼낸다(LIFO 깨우기)"}},
    /* Winsock (models/NAME_win.c) */
    {"blocking-iterative", {"blocking Winsock accept/recv/send on one thread, one client at a time",
                            "스레드 하나에서 블로킹 윈속 accept/recv/send, 한 번에 클라이언트 하나"}},
    {"blocking-threads", {"blocking Winsock accept/recv/send, one CreateThread thread per client",
                          "블로킹 윈속 accept/recv/send, 클라이언트마다 CreateThread 스레드 하나"}},
    {"nonblocking", {"ioctlsocket(FIONBIO) sockets, one thread retrying accept/recv/send on WSAEWOULDBLOCK",
                     "ioctlsocket(FIONBIO) 소켓, 스레드 하나가 WSAEWOULDBLOCK이면 accept/recv/send를 다시 시도한다"}},
    {"select", {"Winsock select() over ioctlsocket(FIONBIO) sockets, FD_SETSIZE 64 (63 clients)",
                "ioctlsocket(FIONBIO) 소켓에 윈속 select(), FD_SETSIZE 64 (클라이언트 63개)"}},
    {"poll", {"WSAPoll over ioctlsocket(FIONBIO) sockets (no 64-socket limit)",
              "ioctlsocket(FIONBIO) 소켓에 WSAPoll (64개 제한 없음)"}},
    {"async-select", {"WSAAsyncSelect: FD_* events as window messages to a message-only window's procedure",
                      "WSAAsyncSelect: FD_* 이벤트가 메시지 전용 윈도우의 프로시저에 윈도우 메시지로 온다"}},
    {"async-select", {"WSAAsyncSelect: FD_* events as window messages to a message-only window's procedure; "
                      "--ui-rate adds UI messages to the same window",
                      "WSAAsyncSelect: FD_* 이벤트가 메시지 전용 윈도우의 프로시저에 윈도우 메시지로 온다. --ui-rate는 "
                      "같은 윈도우에 UI 메시지를 더한다"}},
    {"event-select", {"WSAEventSelect + WSAWaitForMultipleEvents (64 events per wait: 63 clients)",
                      "WSAEventSelect + WSAWaitForMultipleEvents (대기 한 번에 이벤트 64개: 클라이언트 63개)"}},
    {"overlapped", {"overlapped WSARecv/WSASend with completion routines, run as APCs in an alertable SleepEx",
                    "완료 루틴을 쓰는 Overlapped WSARecv/WSASend, 알림 가능 상태의 SleepEx에서 APC로 실행된다"}},
    {"overlapped-event", {"overlapped WSARecv/WSASend signalling event objects, WSAWaitForMultipleEvents (64 per wait)",
                          "이벤트 객체에 신호를 주는 Overlapped WSARecv/WSASend, WSAWaitForMultipleEvents (대기 한 번에 64개)"}},
    {"iocp", {"CreateIoCompletionPort + overlapped WSARecv/WSASend, GetQueuedCompletionStatus in 2 x CPU workers",
              "CreateIoCompletionPort + Overlapped WSARecv/WSASend, CPU 수 x 2개의 작업자 스레드에서 GetQueuedCompletionStatus"}},
};
/* clang-format on */

const char *vw_lane_title(const vw_lane *l, vw_lang lang)
{
    return l->thread_idx == VW_INLINE_EMUL_THREAD ? vw_label("inline_emul_lane", lang) : l->name;
}

const char *vw_mechanism(const char *model, const char *recorded, vw_lang lang)
{
    for (size_t i = 0; i < sizeof AMENDED / sizeof AMENDED[0]; i++)
        if (strcmp(AMENDED[i].model, model) == 0 && strcmp(AMENDED[i].was, recorded) == 0)
            recorded = AMENDED[i].now;
    if (lang != VW_LANG_KO)
        return recorded;
    for (size_t i = 0; i < sizeof MECHS / sizeof MECHS[0]; i++)
        if (strcmp(MECHS[i].model, model) == 0 && strcmp(MECHS[i].t.en, recorded) == 0)
            return MECHS[i].t.ko;
    return recorded;
}

/* --- where a run was recorded ---------------------------------------------- */
static int is_key_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

/* does a " word=" start at p (p points at the space)? */
static int next_key_at(const char *p)
{
    if (*p != ' ' || !is_key_char(p[1]))
        return 0;
    for (p++; is_key_char(*p); p++)
        ;
    return *p == '=';
}

void vw_param_value(const char *params, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    out[0] = 0;
    for (const char *p = params; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p != params && p[-1] != ' ') || p[kl] != '=')
            continue;
        const char *v = p + kl + 1, *e = v;
        while (*e && !next_key_at(e))
            e++;
        snprintf(out, n, "%.*s", (int)(e - v), v);
        return;
    }
}

static const text2 T_WINE = {"recorded on Wine %s — timings are Wine's", "Wine %s에서 기록 — 시간은 Wine의 것"};
static const text2 T_WINDOWS = {"recorded on Windows %s", "Windows %s에서 기록"};
static const text2 T_STANDIN = {"Linux stand-in for Winsock", "리눅스 대체 구현(윈속 아님)"};
static const text2 T_ON = {"recorded on %s", "%s에서 기록"};
static const text2 T_NO_WAITS = {", waits not measured", ", 대기 여부 측정 안 됨"};

/* params past the origin keys at its head */
static const char *after_origin(const char *params)
{
    static const char *const keys[] = {"platform=", "winsock=", "waits="};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (strncmp(params, keys[i], strlen(keys[i])) != 0)
            continue;
        while (*params && !next_key_at(params))
            params++;
        params += *params == ' ';
    }
    return params;
}

const char *vw_run_origin(const char *params, const char *mechanism, vw_lang lang, char *out, size_t n)
{
    char platform[96], winsock[32], waits[32];
    vw_param_value(params, "platform", platform, sizeof platform);
    vw_param_value(params, "winsock", winsock, sizeof winsock);
    vw_param_value(params, "waits", waits, sizeof waits);
    out[0] = 0;
    if (!platform[0]) { /* an older trace: only what its mechanism says for certain */
        if (strstr(mechanism, "stand-in"))
            snprintf(out, n, "%s", pick(&T_STANDIN, lang));
        return params;
    }
    const char *version = strchr(platform, ' ') ? strchr(platform, ' ') + 1 : "";
    if (strncmp(platform, "wine", 4) == 0)
        snprintf(out, n, pick(&T_WINE, lang), version);
    else if (strncmp(platform, "windows", 7) == 0)
        snprintf(out, n, pick(&T_WINDOWS, lang), version);
    else if (strcmp(winsock, "stand-in") == 0)
        snprintf(out, n, "%s", pick(&T_STANDIN, lang));
    else if (strncmp(platform, "linux", 5) == 0)
        snprintf(out, n, pick(&T_ON, lang), "Linux");
    else
        snprintf(out, n, pick(&T_ON, lang), platform);
    if (waits[0] && strcmp(waits, "measured") != 0) {
        size_t used = strlen(out);
        snprintf(out + used, n - used, "%s", pick(&T_NO_WAITS, lang));
    }
    return after_origin(params);
}
