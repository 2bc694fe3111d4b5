/* session_save.h — writing the panels of a session back as one trace file.
 *
 * The viewer keeps a compact summary of each run, not every field of every
 * event, so a save does not re-encode from memory: it copies the original
 * chunks of each kept run from its source file (everything, client calls
 * and operation ids included), renumbering runs 1..N in panel order and
 * recomputing each chunk's CRC. */
#ifndef VW_SESSION_SAVE_H
#define VW_SESSION_SAVE_H

#include <stddef.h>

#include "render/session.h"

int vw_session_save(const vw_session *s, const char *path, char *err, size_t errlen);

#endif
