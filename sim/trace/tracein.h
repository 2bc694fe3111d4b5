/* tracein.h — a trace to read, wherever it comes from. A trace is read more
 * than once (stats makes two passes, the viewer reloads), with a header
 * skipped by position; a pipe can be read only once, front to back. So
 * standard input ("-"), a FIFO or a character device is first copied to a
 * private temporary file (removed at exit), and every reader opens that
 * copy; a regular file is read where it is. On Linux the copy is unlinked
 * as soon as it is made and read through /proc/self/fd, so nothing is left
 * behind however the process ends; elsewhere it is removed at exit. */
#ifndef SS_TRACE_TRACEIN_H
#define SS_TRACE_TRACEIN_H

#include <stddef.h>
#include <stdint.h>

/* a stream longer than this is refused (save it to a file): the copy goes
 * to $TMPDIR, which must not be filled by, say, /dev/zero */
#define SS_TRACE_MAX_STREAM (8ull << 30)

/* The path to open for trace `path`: path itself, or its copy. NULL with
 * err when the stream cannot be copied. Thread-safe; each stream is copied
 * once per process. */
const char *ss_trace_input(const char *path, char *err, size_t errlen);

/* How messages name a trace: "standard input" for "-", else the path. */
const char *ss_trace_input_name(const char *path);

#endif
