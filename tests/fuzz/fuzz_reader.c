/* fuzz_reader.c — libFuzzer harness for the trace reader and everything that
 * reads its output: `stats` (text, table, JSON), the CSV and Chrome
 * exporters. Each input is a whole trace file.
 *
 * Built twice (tests/fuzz/CMakeLists.txt): fuzz_reader takes the bytes as
 * they are (the file header, chunk framing and CRC checks get fuzzed);
 * fuzz_reader_crc (FUZZ_FIX_CRC) first writes the magic number and a valid
 * header, and recomputes every chunk's CRC, so that mutations reach the
 * payload parsers and the consumers behind them instead of dying at the
 * checksum. What must hold: no crash, no undefined behaviour, no leak, no
 * hang (libFuzzer's -timeout) and no allocation beyond -malloc_limit_mb, for
 * any input. */
#include <string.h>

#include "sim/report/export.h"
#include "sim/report/stats.h"
#include "tests/fuzz/fuzz_input.h"

static void read_stats(const char *path)
{
    ss_stats st;
    char err[512];
    if (ss_stats_load(path, &st, err, sizeof err) != 0)
        return;
    ss_stats_print(fuzz_sink(), &st);
    ss_stats_print_table(fuzz_sink(), &st);
    ss_stats_print_json(fuzz_sink(), &st);
    ss_stats_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#ifdef FUZZ_FIX_CRC
    const char *path = fuzz_input_path_fixed(data, size);
#else
    const char *path = fuzz_input_path(data, size);
#endif
    read_stats(path);
    char err[512];
    ss_scan_result res;
    ss_export_csv(path, fuzz_sink(), &res, err, sizeof err);
    ss_export_chrome(path, fuzz_sink(), &res, err, sizeof err);
    return 0;
}
