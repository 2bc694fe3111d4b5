/* chrome_time.h — Chrome JSON times (microseconds) from integer nanoseconds.
 *
 * ts is written exactly: the ns count as µs with up to three decimals
 * ("52468.891", "12", "0.04"). A slice's dur is the exact difference too,
 * unless a reader that adds ts + dur in binary doubles (JavaScript: DevTools,
 * speedscope) would land past the end's own exact value — 52468.891 + 0.04
 * is 52468.931000000004 there, over a neighbour that starts at 52468.931.
 * Then dur carries more decimals, chosen so that the double sum is exactly
 * the double of the end: the value differs from the true one by less than
 * 1e-9 ns, and no slice overlaps its neighbour or outgrows its parent. */
#ifndef SS_CHROME_TIME_H
#define SS_CHROME_TIME_H

#include <stddef.h>
#include <stdint.h>

#define SS_US_MAX 40 /* room for any ts or dur text */

/* ns as exact µs text; returns its length */
size_t ss_us_text(char *out, uint64_t ns);
/* dur of the slice t0..t1 (t1 >= t0) as text: see above; returns its length */
size_t ss_dur_text(char *out, uint64_t t0, uint64_t t1);

#endif
