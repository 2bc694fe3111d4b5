/* merge.h — traces recorded on several hosts (a `serve` on one, `load` on
 * others) put on one time axis (docs/multi-host.md).
 *
 * Each run of each input is mapped to the first run's real time:
 *  1. its clock anchors (CLKA: the trace clock against CLOCK_REALTIME at the
 *     run's start and end) give a first offset, and the trace clock's rate
 *     against real time when both readings are there;
 *  2. the requests refine it, NTP-style: a client connection is paired with
 *     the server's by the client's address (its getsockname after connect,
 *     the server's accept), and for the first byte of every client send the
 *     four times client send (c1) < server recv returns (s2) <= server send
 *     starts (s3) < client recv returns (c4) bound the offset between the
 *     two clocks to [s3 - c4, s2 - c1]. Every pair must hold, so the offset
 *     lies in the intersection of them all; its middle is taken and half its
 *     width is the uncertainty left (at most half of the best pair's round
 *     trip minus the server's time).
 * Runs of an input are placed in turn from the first run outwards through
 * paired connections; a run no pair reaches keeps its anchors' offset (its
 * uncertainty then is what the hosts' real-time clocks disagree by, which
 * no trace can tell).
 *
 * Every input run becomes a run of the output (a process in the exports),
 * its events moved onto the common axis; nothing else changes. The whole of
 * each input is held in memory while merging. */
#ifndef SS_MERGE_H
#define SS_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SS_MERGE_MAX_INPUTS 64

/* How one output run was placed. */
typedef struct ss_merge_run {
    int input;    /* which input file (0-based) */
    uint32_t run; /* its run id there */
    char model[64];
    int anchors;             /* clock anchors the run has (0: wall-clock start only, an older trace) */
    double anchor_err_ns;    /* what its anchors' readings may be off by, together (-1: no anchors) */
    double rate_ppm;         /* its trace clock's rate against real time, minus 1, in ppm (0: not known) */
    double anchor_offset_ns; /* its start on the axis as its anchors put it, relative to the first run's */
    double correction_ns;    /* what the requests moved it by, on top of the anchors */
    double uncertainty_ns;   /* half the width of the offsets every pair allows; < 0: not placed by requests */
    double best_half_rtt_ns; /* the best single pair: half (round trip - server time) */
    long pairs;              /* request pairs with the run it was placed against */
    int against;      /* the output run (0-based) it was placed against; -1: none (the reference, or anchors only) */
    int inconsistent; /* the pairs' bounds do not meet: clocks drifted apart, or pairs are wrong */
} ss_merge_run;

typedef struct ss_merge_result {
    ss_merge_run *runs;
    int nruns;
    uint64_t events;
    char warning[256]; /* an input's reader warning (damaged, cut off), the first one */
    int damaged;       /* an input was damaged or cut off: what came before it was merged */
} ss_merge_result;

/* Reads every input, aligns, writes out (a new file). Returns an SS_EXIT_*
 * code: SS_EXIT_BADINPUT for an unreadable input, SS_EXIT_FAIL when the
 * output cannot be written; err says why. res->runs is allocated (free with
 * ss_merge_result_free) whenever 0 is returned. */
int ss_merge(const char *const *inputs, int ninputs, const char *out, ss_merge_result *res, char *err, size_t errlen);
void ss_merge_result_free(ss_merge_result *res);

/* The placement table (text) and as JSON. */
void ss_merge_print(FILE *f, const char *const *inputs, const ss_merge_result *res);
void ss_merge_print_json(FILE *f, const char *const *inputs, const ss_merge_result *res);

#endif
