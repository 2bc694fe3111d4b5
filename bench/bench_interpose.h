/* bench_interpose.h — the interposer's costs, for sockscope-bench (bench.c). */
#ifndef SS_BENCH_INTERPOSE_H
#define SS_BENCH_INTERPOSE_H

/* prints the interposer's ns per recorded call beside the built-in probe's
 * (probe_ns); -1 when the library cannot be loaded */
int  ss_bench_interposer(double probe_ns);
/* prints an outside epoll server's throughput untraced and under `sockscope trace` */
void ss_bench_outside(int rounds, int clients, int messages);

#endif
