/* viewer.h — the viewer's entry points for the command line (cli/cli.c
 * calls these only when built with SDL2: SS_HAVE_VIEWER). */
#ifndef VW_VIEWER_H
#define VW_VIEWER_H

int ss_view_main(int argc, char **argv);        /* sockscope view ... */
int ss_view_export_main(int argc, char **argv); /* sockscope export FILE --format png|svg ... */

#endif
