/* ui_text.c — the viewer's own words (legend, counters, buttons, the run
 * form) in English and Korean. Event captions are in caption.c. */
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
