/* textwrap.h — text broken into lines for a terminal, counting display
 * columns rather than bytes: Hangul and other wide scripts take two. For
 * `sockscope explain` and the claims `run --scenario` prints. */
#ifndef SS_TEXTWRAP_H
#define SS_TEXTWRAP_H

#include <stdio.h>

/* Prints text after `lead` (first line) and `indent` (the others), broken
 * at spaces so that no line passes `width` display columns. */
void ss_print_wrapped(FILE *f, const char *lead, const char *indent, const char *text, int width);

#endif
