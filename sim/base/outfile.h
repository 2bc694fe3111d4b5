/* outfile.h — where a command's output goes, by the usual conventions:
 *
 *   "-"                 standard output
 *   a regular file,     written under a fresh name beside it (NAME.partial-XXXXXX)
 *   or a new name       and renamed over it once complete: a failed or killed
 *                       write leaves no half file
 *   a symlink           the same, on the file it points to (the link stays a link)
 *   a FIFO, a device,   opened and written through: renaming over it would
 *   a dangling symlink  replace it with a regular file
 *
 * and every write error, on standard output too, is reported. */
#ifndef SS_OUTFILE_H
#define SS_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct ss_outfile {
    FILE *f;
    const char *path;  /* as given */
    char target[4096]; /* what the rename lands on: path, or the file a symlink names */
    char tmp[4200];    /* the partial file; "" when writing through (stdout, FIFO, device) */
} ss_outfile;

/* 1 when path names standard output ("-") */
int ss_out_is_stdout(const char *path);

/* Opens path as above. -1 with err ("cannot write 'PATH': REASON"). */
int ss_out_open(ss_outfile *o, const char *path, char *err, size_t n);

/* ok: everything was written as far as the caller knows. Flushes and
 * closes (standard output is flushed, not closed), then renames the partial
 * file into place. 0 when the output is complete; else -1 with err, and the
 * partial file removed. */
int ss_out_close(ss_outfile *o, int ok, char *err, size_t n);

/* Standard output flushed: -1 with err when any write to it failed (a full
 * disk, /dev/full, a closed pipe with SIGPIPE ignored). For the end of every
 * command, so that no output is lost silently. */
int ss_stdout_flush(char *err, size_t n);

/* Standard output in binary mode (Windows translates \n otherwise); a no-op
 * on POSIX. For pictures and traces written to "-". */
void ss_stdout_binary(void);

#endif
