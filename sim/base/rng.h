/* rng.h — small deterministic random numbers for workloads and the relay.
 *
 * SplitMix64: one 64-bit state, good statistical quality for this use, and
 * trivially seedable. ss_rng_pick() hashes (seed, a, b) without any state,
 * so a value such as "the size of message m of client c" depends only on
 * the seed and not on which thread asked first: the workload repeats exactly. */
#ifndef SS_RNG_H
#define SS_RNG_H

#include <stdint.h>

static inline uint64_t ss_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static inline double ss_rng_unit(uint64_t *state) { return (double)(ss_rng_next(state) >> 11) * 0x1.0p-53; }

/* a stateless draw keyed by (seed, a, b) */
static inline uint64_t ss_rng_pick(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t s = seed ^ (a * 0xd1b54a32d192ed03ull) ^ (b * 0xaef17502108ef2d9ull);
    ss_rng_next(&s);
    return ss_rng_next(&s);
}

#endif
