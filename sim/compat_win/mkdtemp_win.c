/* mkdtemp_win.c — ss_compat.h's mkdtemp(3), which mingw-w64 lacks: the
 * template's trailing XXXXXX made unique (_mktemp_s), then the directory
 * created; a name taken meanwhile is tried again. The directory gets
 * Windows' default ACL, which already keeps other users out of a user's
 * TEMP. */
#include <direct.h>
#include <errno.h>
#include <io.h>
#include <string.h>

char *mkdtemp(char *tmpl)
{
    size_t n = strlen(tmpl);
    if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return NULL;
    }
    for (int tries = 0; tries < 100; tries++) {
        memcpy(tmpl + n - 6, "XXXXXX", 6);
        if (_mktemp_s(tmpl, n + 1) != 0)
            return NULL;
        if (_mkdir(tmpl) == 0)
            return tmpl;
        if (errno != EEXIST)
            return NULL;
    }
    return NULL;
}
