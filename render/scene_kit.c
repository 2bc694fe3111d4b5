/* scene_kit.c — what every part of the scene draws with: clickable zones,
 * runs split at the playhead, histograms, a category's colour. */
#include "render/scene_kit.h"

void vw_sc_zone(vw_sc *c, int x, int y, int w, int h, int id, int arg)
{
    vw_app *app = c->app;
    if (app->slide)
        return; /* a picture: nothing to click */
    if (app->nzones < VW_MAX_ZONES)
        app->zones[app->nzones++] = (vw_zone){{x, y, w, h}, id, arg};
}

vw_rgba vw_cat_color(vw_cat c)
{
    switch (c) {
    case VW_CAT_USER: return VW_C_USER;
    case VW_CAT_KERNEL: return VW_C_KERNEL;
    case VW_CAT_WAIT: return VW_C_WAIT;
    case VW_CAT_INSTANT: return VW_C_PACKET;
    default: return VW_C_MESSAGE;
    }
}

void vw_sc_rect_split(vw_sc *c, int x0, int x1, int y, int h, vw_rgba col)
{
    int ph = (int)c->ph_x;
    if (c->grey)
        col = vw_grey(col);
    if (x1 <= ph) {
        vw_fill(c->d, x0, y, x1 - x0, h, col);
    } else if (x0 >= ph) {
        vw_fill(c->d, x0, y, x1 - x0, h, vw_future(col));
    } else {
        vw_fill(c->d, x0, y, ph - x0, h, col);
        vw_fill(c->d, ph, y, x1 - ph, h, vw_future(col));
    }
}

void vw_sc_bars(vw_sc *c, int x0, const int *h, int n, int bottom, vw_rgba col, int split)
{
    for (int i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && h[j] == h[i];)
            j++;
        if (h[i] <= 0)
            continue;
        if (split)
            vw_sc_rect_split(c, x0 + i, x0 + j, bottom - h[i], h[i], col);
        else
            vw_fill(c->d, x0 + i, bottom - h[i], j - i, h[i], col);
    }
}
