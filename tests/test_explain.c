/* sockscope explain: every model of the design table in both languages,
 * with the textbook's key phrases; unknown names and languages refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/explain.h"
#include "models/model.h"
#include "testutil.h"

typedef struct expect {
    const char *model, *en, *ko;
} expect;

/* One phrase per model and language that the textbook's account requires. */
static const expect expects[] = {
    {"blocking-iterative", "uses few system resources", "시스템 자원 소모가 적다"},
    {"blocking-threads", "uses a lot of system resources", "시스템 자원 소모가 크다"},
    {"nonblocking", "WSAEWOULDBLOCK", "CPU 사용률이 훨씬 높다"},
    {"select", "highly portable", "이식성이 높다"},
    {"poll", "pollfd", "pollfd"},
    {"epoll", "epoll_wait()", "준비된 소켓만"},
    {"async-select", "window procedure", "윈도우 프로시저"},
    {"event-select", "WSAWaitForMultipleEvents()", "최대 64개"},
    {"overlapped", "alertable wait", "완료 루틴"},
    {"overlapped-event", "WSAGetOverlappedResult()", "hEvent"},
    {"iocp", "GetQueuedCompletionStatus()", "입출력 완료 패킷"},
    {"io_uring", "SQPOLL", "제출 큐"},
};

static char *explain(const char *model, const char *lang)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    int rc = ss_explain(f, model, lang, 78);
    fclose(f);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Joins wrapped lines back so that a phrase split by the wrapper is found. */
static void unwrap(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '\n') {
            while (r[1] == ' ')
                r++;
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
}

static void every_model_both_languages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expects / sizeof expects[0]; i++) {
        for (int l = 0; l < 2; l++) {
            const char *lang = l ? "ko" : "en", *phrase = l ? expects[i].ko : expects[i].en;
            char *out = explain(expects[i].model, lang);
            if (!out)
                fail_msg("no %s text for %s", lang, expects[i].model);
            unwrap(out);
            if (!strstr(out, phrase))
                fail_msg("%s (%s) lacks \"%s\":\n%s", expects[i].model, lang, phrase, out);
            const char *heading = l ? "단점" : "Disadvantages";
            assert_non_null(strstr(out, heading));
            const ss_model *m = ss_model_find(expects[i].model);
            if (l && m && strstr(out, m->mechanism)) /* what backs it here: in Korean too */
                fail_msg("%s (ko) gives its mechanism line in English:\n%s", expects[i].model, out);
            free(out);
        }
    }
}

static void covers_every_model(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = ss_model_all_names(&n);
    assert_int_equal(n, sizeof expects / sizeof expects[0]);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], expects[i].model);
}

static void blocking_models_show_table_11_1(void **state)
{
    (void)state;
    char *ko = explain("blocking-iterative", "ko"), *en = explain("blocking-threads", "en");
    unwrap(ko);
    unwrap(en);
    assert_non_null(strstr(ko, "소켓 송신 버퍼에 모두 복사했을 때"));
    assert_non_null(strstr(en, "at least one byte has arrived"));
    free(ko);
    free(en);
}

/* The chapter's tables, each at its model, in both languages (issue 9:
 * the whole chapter on screen). */
typedef struct phrases {
    const char *model;
    const char *en[8], *ko[8];
} phrases;

/* clang-format off */
static const phrases chapter[] = {
    {"select",
     {"table 11-5", "Windows NT and later", "table 11-6", "connect() on a non-blocking socket has succeeded",
      "connect() on a non-blocking socket has failed", "FD_ZERO(fd_set *set): empties the set",
      "FD_ISSET(SOCKET s, fd_set *set): returns non-zero", "{0, 0}: checks every socket in the sets"},
     {"표 11-5", "윈도우 NT 이상", "표 11-6", "넌블로킹 소켓을 사용한 connect() 함수 호출이 성공했다",
      "넌블로킹 소켓을 사용한 connect() 함수 호출이 실패했다", "FD_CLR(SOCKET s, fd_set *set): 소켓 s를 셋에서 제거한다",
      "FD_SET(SOCKET s, fd_set *set): 소켓 s를 셋에 넣는다", "리턴값은 조건을 만족하는 소켓의 개수 또는 0(타임아웃)"}},
    {"async-select",
     {"FD_CONNECT: the connection procedure has finished.", "FD_OOB: OOB (out-of-band) data has arrived.",
      "FD_OOB: recv(), recvfrom()", "FD_CONNECT: none", "inherits the listening socket's WSAAsyncSelect() settings",
      "WSAEWOULDBLOCK can occur, rarely", "switches the socket to non-blocking mode automatically",
      "the same window message does not come again"},
     {"FD_CONNECT: 통신을 위한 연결 절차가 끝났다.", "FD_OOB: OOB 데이터가 도착했다.", "FD_OOB: recv(), recvfrom()",
      "FD_CONNECT: 없음", "연결 대기 소켓과 같은 속성을 가진다", "드물게 있다", "자동으로 넌블로킹 모드로 전환된다",
      "다음에는 같은 윈도우 메시지가 발생하지 않는다"}},
    {"event-select",
     {"Windows NT 3.51 and later", "FD_CONNECT: the connection procedure has finished.", "FD_OOB: recv(), recvfrom()",
      "the re-enabling rule", "emulation", "report them apart"},
     {"윈도우 NT 3.51 이상", "FD_CONNECT: 통신을 위한 연결 절차가 끝났다.", "FD_CLOSE: 없음", "재활성화 규칙",
      "에뮬레이션", "따로 표시된다"}},
    {"overlapped", {"Windows NT 3.51 and later", "alertable wait", "emulation", "report them apart"},
     {"윈도우 NT 3.51 이상", "alertable wait", "에뮬레이션", "따로 표시된다"}},
    {"overlapped-event", {"Windows NT 3.51 and later", "eventfd", "emulation", "report them apart"},
     {"윈도우 NT 3.51 이상", "eventfd", "에뮬레이션", "따로 표시된다"}},
    {"iocp", {"Windows NT 3.5 and later (not Windows 95/98/Me)", "port thread", "emulation", "report them apart"},
     {"윈도우 NT 3.5 이상(윈도우 95/98/Me 제외)", "포트 스레드", "에뮬레이션", "따로 표시된다"}},
    {"async-select", {"Windows 95 and later (client versions)", "notifier thread", "emulation"},
     {"윈도우 95 이상(클라이언트 버전)", "알림 스레드", "에뮬레이션"}},
    {"nonblocking",
     {"NonblockTCPServer (exercise 11-1) serves one client at a time", "4 parallel clients, it served 1",
      "table 11-2's model made to serve them all", "round robin"},
     {"한 번에 한 클라이언트만 처리한다", "클라이언트 4개를 동시에 접속시키면 1개만 처리되고",
      "표 11-2의 방식으로 모든 클라이언트를 처리하도록", "라운드 로빈"}},
    {"io_uring", {"beyond the book"}, {"교재 밖"}},
};
/* clang-format on */

static void the_chapter_tables_in_both_languages(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof chapter / sizeof chapter[0]; i++) {
        for (int l = 0; l < 2; l++) {
            char *out = explain(chapter[i].model, l ? "ko" : "en");
            assert_non_null(out);
            unwrap(out);
            const char *const *want = l ? chapter[i].ko : chapter[i].en;
            for (int k = 0; k < 8 && want[k]; k++)
                if (!strstr(out, want[k]))
                    fail_msg("%s (%s) lacks \"%s\":\n%s", chapter[i].model, l ? "ko" : "en", want[k], out);
            free(out);
        }
    }
}

/* io_uring is outside the book, not "after" it; models without a Windows
 * original name no Windows version */
static void beyond_the_book_is_said_so(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = ss_model_all_names(&n);
    for (size_t i = 0; i < n; i++) {
        char *out = explain(names[i], "ko");
        assert_null(strstr(out, "교재 이후"));
        int windows_model = !strcmp(names[i], "select") || !strcmp(names[i], "async-select") ||
                            !strcmp(names[i], "event-select") || !strcmp(names[i], "overlapped") ||
                            !strcmp(names[i], "overlapped-event") || !strcmp(names[i], "iocp");
        if (windows_model != (strstr(out, "표 11-5") != NULL))
            fail_msg("%s: table 11-5's line %s", names[i], windows_model ? "is missing" : "does not belong");
        free(out);
    }
}

static void refuses_unknown(void **state)
{
    (void)state;
    assert_null(explain("no-such-model", "en"));
    assert_null(explain("iocp", "fr"));
}

/* No line passes the width, counting Hangul as two columns. */
static void wraps_korean_by_columns(void **state)
{
    (void)state;
    char *out = explain("overlapped", "ko");
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        int cols = 0;
        for (unsigned char *p = (unsigned char *)line; *p; p++)
            if (*p < 0x80) cols += 1;
            else if (*p >= 0xE0) cols += 2; /* a 3-byte sequence here is Hangul or an arrow */
        if (cols > 78 && !strchr(line, ':'))
            fail_msg("line of %d columns: %s", cols, line);
    }
    free(out);
}

int main(void)
{
    /* clang-format off */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_model_both_languages),
        cmocka_unit_test(covers_every_model),
        cmocka_unit_test(blocking_models_show_table_11_1),
        cmocka_unit_test(the_chapter_tables_in_both_languages),
        cmocka_unit_test(beyond_the_book_is_said_so),
        cmocka_unit_test(refuses_unknown),
        cmocka_unit_test(wraps_korean_by_columns),
    };
    /* clang-format on */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
