#include "sim/base/selfpath.h"

#include <string.h>
#include <unistd.h>

int ss_exe_dir(char *buf, size_t n)
{
    if (n < 2)
        return -1;
    ssize_t len = readlink("/proc/self/exe", buf, n - 1); /* the real file, symlinks to it resolved */
    if (len <= 0 || (size_t)len >= n - 1)
        return -1;
    buf[len] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    slash[slash == buf] = 0; /* "/sockscope" -> "/" */
    return 0;
}
