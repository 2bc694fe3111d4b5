/* ui_text.c — the viewer's own words (legend, counters, buttons, the run
 * form) in English and Korean. Event captions are in caption.c. */
#include "render/ui_text.h"

#include <string.h>

typedef struct text2 {
    const char *en, *ko;
} text2;

static const char *pick(const text2 *t, vw_lang lang) { return lang == VW_LANG_KO ? t->ko : t->en; }

typedef struct label {
    const char *key;
    text2 t;
} label;

static const label LABELS[] = {
    {"user", {"user code", "유저 코드"}},
    {"kernel", {"in kernel", "커널 안"}},
    {"wait", {"blocked / waiting", "블로킹 / 대기"}},
    {"idle", {"idle", "유휴"}},
    {"completion", {"completion packet", "완료 패킷"}},
    {"message", {"window message", "윈도우 메시지"}},
    {"request", {"client request", "클라이언트 요청"}},
    {"emul", {"stand-in kernel side (Linux)", "대역의 커널 쪽 (리눅스)"}},
    {"inflight", {"async op in flight", "진행 중인 비동기 작업"}},
    {"kernel_lane", {"kernel: async ops", "커널: 비동기 작업"}},
    {"msg_lane", {"message queue", "메시지 큐"}},
    {"clients", {"clients", "클라이언트"}},
    {"calls", {"socket calls", "소켓 함수 호출"}},
    {"transitions", {"user/kernel", "유저/커널 전환"}},
    {"blocked", {"blocked", "블로킹 시간"}},
    {"packets", {"completions", "완료 패킷"}},
    {"threads", {"threads", "스레드"}},
    {"requests", {"requests", "요청 완료"}},
    {"latency", {"p50 / p99", "p50 / p99"}},
    /* the run form */
    {"models:", {"models:", "모델:"}},
    {"preset:", {"preset:", "프리셋:"}},
    {"(none)", {"(none)", "(없음)"}},
    {"Run", {"Run", "실행"}},
    {"running...", {"running...", "실행 중..."}},
    {"messages", {"messages", "메시지"}},
    {"size", {"size", "크기"}},
    {"think ms", {"think ms", "대기 ms"}},
    {"cpu us", {"cpu us", "CPU µs"}},
    {"latency ms", {"latency ms", "지연 ms"}},
};

const char *vw_label(const char *key, vw_lang lang)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++)
        if (strcmp(LABELS[i].key, key) == 0)
            return pick(&LABELS[i].t, lang);
    return key;
}
