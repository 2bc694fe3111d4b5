/* assets.h — where the files shipped in assets/ (fonts, scenario presets,
 * lecture traces) are, first found wins:
 *   $SOCKSCOPE_ASSETS
 *   EXEDIR/../share/sockscope/assets   an install (cmake --install, the .deb,
 *                                      the Windows .zip), wherever it was put
 *   the source tree the binary was built from (a build tree)
 *   ./assets, /usr/share/sockscope/assets */
#ifndef VW_ASSETS_H
#define VW_ASSETS_H

#include <stddef.h>

/* The path of assets/REL (a file or a directory) in buf, or NULL when no
 * assets directory holds it. */
const char *vw_asset_path(const char *rel, char *buf, size_t n);

#endif
