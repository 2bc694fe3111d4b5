/* selfpath.h — where the running program is, so that it finds what is
 * installed beside it (its assets in ../share/sockscope) wherever the
 * install was put or moved: /proc/self/exe on Linux, GetModuleFileName on
 * Windows (sim/base/selfpath_win.c). */
#ifndef SS_SELFPATH_H
#define SS_SELFPATH_H

#include <stddef.h>

/* The directory holding the running executable, without a trailing
 * separator, in buf. 0, or -1 when it cannot be told. */
int ss_exe_dir(char *buf, size_t n);

#endif
