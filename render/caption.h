/* caption.h — what lecture mode says: for the event at the playhead, one
 * line of facts and a plain-words explanation drawn from the textbook's
 * tables (11-1 when each call returns, 11-2 non-blocking sockets, 11-3/11-4
 * iterative vs concurrent servers, 11-6 socket sets, 11-8/11-9 network
 * events), plus each model's strengths and weaknesses; Korean or English. */
#ifndef VW_CAPTION_H
#define VW_CAPTION_H

#include <stddef.h>

#include "render/session.h"

typedef enum vw_lang { VW_LANG_EN = 0, VW_LANG_KO = 1 } vw_lang;

int vw_lang_parse(const char *s, vw_lang *out); /* "en"/"ko": 0, else -1 */

/* The event a caption is about: the latest server event started at or
 * before t (an event still running at t wins over one that ended).
 * Returns 0 and sets lane/idx, or -1 when nothing has happened yet. */
int vw_caption_pick(const vw_run *r, double t, int *lane, size_t *idx);

/* The explanation of event idx of lane (textbook wording), chosen by its
 * role in the model, never by a stand-in's Linux call: a Windows call is
 * explained as the Windows call; inside a message dispatch the message's
 * network event and its function (table 11-9) come first. */
void vw_caption_explain(const vw_run *r, int lane, size_t idx, vw_lang lang, char *out, size_t n);
/* "worker 1 — GetQueuedCompletionStatus — futex_wait here socket 7, result
 * 512, 3.2 µs, slept": the facts line */
void vw_caption_facts(const vw_run *r, const vw_ev *e, const char *thread, vw_lang lang, char *out, size_t n);
/* An event's label for hover text and facts: its name in the model, the
 * network events it carried, and for a stand-in's Windows call the Linux
 * call that played it ("GetQueuedCompletionStatus — futex_wait here"). */
void vw_ev_label(const vw_run *r, const vw_ev *e, vw_lang lang, char *out, size_t n);
/* The network events (table 11-8) of a message or event code: "FD_READ",
 * "FD_READ|FD_WRITE"; "UI" for an ordinary window message (VW_SUB_BIG). */
void vw_net_events(unsigned bits, char *out, size_t n);
/* The model's strengths and weaknesses; a generic line for unknown models. */
const char *vw_caption_model(const char *model, vw_lang lang);
/* What the grey emulation lanes of a Linux stand-in are. */
const char *vw_caption_emul_note(vw_lang lang);
/* When the run's median request waited for a delayed ACK, not for its
 * model (sim/report/stats.h, ss_run_nagle_stall): why, with the median the
 * run measured. Returns 1 when written, 0 (out untouched) otherwise. */
int vw_caption_nagle_note(const vw_run *r, vw_lang lang, char *out, size_t n);

#endif
