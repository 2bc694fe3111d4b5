/* assets.h — where the files shipped in assets/ are: $SOCKSCOPE_ASSETS,
 * the source tree the binary was built from, ./assets, or the installed
 * /usr/share/sockscope/assets, first found wins. */
#ifndef VW_ASSETS_H
#define VW_ASSETS_H

#include <stddef.h>

/* The path of assets/REL (a file or a directory) in buf, or NULL when no
 * assets directory holds it. */
const char *vw_asset_path(const char *rel, char *buf, size_t n);

#endif
