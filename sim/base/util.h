/* util.h — small helpers for the command line: strict number parsing and
 * the documented exit codes. */
#ifndef SS_UTIL_H
#define SS_UTIL_H

#include <stddef.h>
#include <stdint.h>

enum {
    SS_EXIT_OK = 0,
    SS_EXIT_FAIL = 1,      /* the work ran but failed: requests lost, bytes differ, write error */
    SS_EXIT_USAGE = 2,     /* bad command line: unknown option, model or value */
    SS_EXIT_BADINPUT = 3,  /* unreadable, malformed or truncated input file */
    SS_EXIT_ENV = 4,       /* the system refused: port in use, model unavailable here, no fds */
};

/* Parse a whole decimal integer in [min, max]; on failure writes a message
 * naming the option and the accepted range. */
int ss_parse_long(const char *s, long min, long max, long *out, const char *opt, char *err, size_t n);
int ss_parse_double(const char *s, double min, double max, double *out, const char *opt, char *err, size_t n);

/* Doubles an array's capacity (or starts it at `first` elements): returns
 * the new array and updates *cap, or NULL (array and *cap unchanged) when
 * out of memory or when the new size would not fit in a size_t. For the
 * append-only arrays of the reader and the viewer. */
void *ss_grow(void *arr, size_t *cap, size_t elem, size_t first);

/* A map from the 32-bit ids a file names (thread indices) to small values
 * (dense slots, lane positions). Memory follows the ids stored, never their
 * values: a thread index of 10^8 costs one entry, not 10^8. */
typedef struct ss_idmap {
    struct ss_idmap_ent *e; /* open addressing, kept at most half full */
    size_t cap, n;
} ss_idmap;

/* the value stored for id, or -1 */
int64_t ss_idmap_get(const ss_idmap *m, uint32_t id);
/* stores (or replaces) id -> value; 0, or -1 when out of memory */
int ss_idmap_put(ss_idmap *m, uint32_t id, uint32_t value);
void ss_idmap_clear(ss_idmap *m); /* forget every id, keep the memory */
void ss_idmap_free(ss_idmap *m);

#endif
