/* bench_interpose.h — the interposer's costs, for sockscope-bench (bench.c). */
#ifndef SS_BENCH_INTERPOSE_H
#define SS_BENCH_INTERPOSE_H

typedef struct ss_bench_pl {
    double rec_ns;  /* the interposer's recorded call: enter + exit + ring, no real call */
    double real[3]; /* a real call bare, through the built-in probe, through the interposer */
    unsigned long long dropped;
    char why[300]; /* why it could not be measured */
} ss_bench_pl;

/* Measures the interposer (call it while the built-in probes record, so
 * that the real call through both is recorded); 0, or -1 with why. */
int ss_bench_interposer(ss_bench_pl *out);
/* prints it beside the built-in probe's ns per recorded call */
void ss_bench_interposer_print(const ss_bench_pl *pl, double probe_ns);
/* prints an outside epoll server's throughput untraced and under `sockscope trace` */
void ss_bench_outside(int rounds, int clients, int messages);

#endif
