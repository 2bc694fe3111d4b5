/* fuzz_view_load.c — libFuzzer harness for the viewer's loader
 * (render/session_load.c: vw_session_load): a trace file into lanes,
 * operation and message spans, latency snapshots; then the searches every
 * frame makes over them. The CRCs are recomputed (fuzz_fix_crcs), so
 * mutations reach the loader rather than the checksum. */
#include <string.h>

#include "render/session.h"
#include "tests/fuzz/fuzz_input.h"

/* what a frame asks of a run: where each lane's visible events start */
static void query(const vw_session *s)
{
    uint64_t end = vw_session_duration(s);
    (void)vw_session_work_end(s);
    (void)vw_session_bytes(s);
    for (int i = 0; i < s->nruns; i++) {
        const vw_run *r = &s->runs[i];
        for (int j = 0; j < r->nlanes; j++)
            for (uint64_t k = 0; k <= 4; k++) {
                uint64_t t = end / 4 * k;
                size_t a = vw_lane_first_covering(&r->lanes[j], t), b = vw_lane_lower(&r->lanes[j], t);
                if (a > b)
                    abort(); /* the first event covering t cannot start after t */
            }
        (void)vw_ops_lower(&r->kernel, end / 2);
        (void)vw_u64_upper(r->req_end, r->nreq, end / 2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path_fixed(data, size);
    vw_session s;
    memset(&s, 0, sizeof s);
    char err[512];
    if (vw_session_load(&s, path, err, sizeof err) == 0)
        query(&s);
    vw_session_free(&s);
    return 0;
}
