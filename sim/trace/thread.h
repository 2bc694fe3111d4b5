/* thread.h — what the threads of a recorded program call: join the current
 * run under a role and a name, leave it, ask their index in it, and add a
 * fact to the run's end record. Models, clients and the relay include this;
 * opening a trace and its runs is the recorder's (recorder.h). With no run
 * open each is a cheap no-op. */
#ifndef SS_THREAD_H
#define SS_THREAD_H

#include "sim/trace/event.h"

void ss_thread_begin(ss_role role, const char *name);
void ss_thread_end(void);
int ss_thread_index(void); /* calling thread's index in the current run, -1 if none */

void ss_run_note(const char *key, const char *value); /* a fact added to the run's end record */

#endif
