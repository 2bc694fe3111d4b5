#include "sim/base/selfpath.h"

#include <string.h>
#include <windows.h>

int ss_exe_dir(char *buf, size_t n)
{
    if (n < 2 || n > 0xffffffffu)
        return -1;
    DWORD len = GetModuleFileNameA(NULL, buf, (DWORD)n);
    if (len == 0 || len >= n) /* failed, or cut short */
        return -1;
    char *sep = strrchr(buf, '\\'), *fwd = strrchr(buf, '/');
    if (fwd > sep)
        sep = fwd;
    if (!sep)
        return -1;
    *sep = 0;
    return 0;
}
