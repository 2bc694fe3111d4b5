/* explain.h — what each I/O model is, in Korean or English, as the textbook
 * teaches it: how it works, when its calls return (table 11-1), its
 * advantages and disadvantages (tables 11-2, 11-3, 11-4 and the chapter's
 * closing comparison), and how it meets the four requirements of an ideal
 * model. Models beyond the book (poll, epoll, io_uring) get equivalent
 * texts, marked as such. */
#ifndef SS_EXPLAIN_H
#define SS_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

/* Writes the explanation of `model` in lang "ko" or "en", wrapped to
 * `width` display columns (Hangul counts two). Every model of the registry
 * (ss_model_all_names) has one. Returns 0, or -1 when the model or the
 * language is unknown. */
int ss_explain(FILE *f, const char *model, const char *lang, int width);

#endif
