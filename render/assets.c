#include "render/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/base/selfpath.h"

#ifndef SS_ASSETS_DIR
#define SS_ASSETS_DIR "assets"
#endif

const char *vw_asset_path(const char *rel, char *buf, size_t n)
{
    char exe[4096], installed[4200];
    /* relative to the program, not a path fixed at build time: an install can move */
    int have_exe = ss_exe_dir(exe, sizeof exe) == 0;
    if (have_exe)
        snprintf(installed, sizeof installed, "%s/../share/sockscope/assets", exe);
    const char *dirs[] = {getenv("SOCKSCOPE_ASSETS"), have_exe ? installed : NULL, SS_ASSETS_DIR, "assets",
                          "/usr/share/sockscope/assets"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i] || !dirs[i][0])
            continue;
        snprintf(buf, n, "%s/%s", dirs[i], rel);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}
