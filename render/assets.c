#include "render/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef SS_ASSETS_DIR
#define SS_ASSETS_DIR "assets"
#endif

const char *vw_asset_path(const char *rel, char *buf, size_t n)
{
    const char *dirs[] = {getenv("SOCKSCOPE_ASSETS"), SS_ASSETS_DIR, "assets", "/usr/share/sockscope/assets"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i])
            continue;
        snprintf(buf, n, "%s/%s", dirs[i], rel);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}
