/* sockscope explain: every model of the design table in both languages,
 * with the textbook's key phrases; unknown names and languages refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/explain.h"
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
            free(out);
        }
    }
}

static void covers_the_design_table(void **state)
{
    (void)state;
    size_t n;
    const char *const *names = ss_explain_names(&n);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_model_both_languages),
        cmocka_unit_test(covers_the_design_table),
        cmocka_unit_test(blocking_models_show_table_11_1),
        cmocka_unit_test(refuses_unknown),
        cmocka_unit_test(wraps_korean_by_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
