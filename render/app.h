/* app.h — the viewer's state and behaviour, without SDL: the backend turns
 * window events into vw_input and calls vw_app_input / vw_app_tick /
 * vw_app_frame; everything that decides what happens lives here and can
 * be tested without a window. */
#ifndef VW_APP_H
#define VW_APP_H

#include <stdint.h>

#include "render/anim.h"
#include "render/capstrip.h"
#include "render/caption.h"
#include "render/counters.h"
#include "render/draw.h"
#include "render/hit.h"
#include "render/layout.h"
#include "render/preset.h"
#include "render/runform.h"
#include "render/session.h"
#include "render/timeline.h"

typedef enum vw_key {
    VW_KEY_NONE = 0, VW_KEY_SPACE, VW_KEY_LEFT, VW_KEY_RIGHT, VW_KEY_UP, VW_KEY_DOWN, VW_KEY_HOME, VW_KEY_END,
    VW_KEY_PLUS, VW_KEY_MINUS, VW_KEY_ESCAPE, VW_KEY_TAB, VW_KEY_DELETE, VW_KEY_RETURN, VW_KEY_PAGEUP, VW_KEY_PAGEDOWN,
    VW_KEY_CHAR /* a letter: see vw_input.ch */
} vw_key;

typedef enum vw_input_kind {
    VW_IN_KEY, VW_IN_DOWN, VW_IN_UP, VW_IN_MOVE, VW_IN_WHEEL, VW_IN_RESIZE, VW_IN_QUIT
} vw_input_kind;

typedef struct vw_input {
    vw_input_kind kind;
    vw_key key;
    int ch;          /* VW_KEY_CHAR: lower-case letter */
    int x, y;        /* mouse position; RESIZE: new size */
    int button;      /* 1 left, 3 right */
    int wheel;       /* + away from the user (zoom in) */
    int shift;
} vw_input;

#define VW_MAX_ZONES 96
typedef struct vw_zone {  /* a clickable area drawn this frame */
    vw_rect r;
    int id, arg;
} vw_zone;

/* the overview of strips: by fit (lecture mode, when the panels do not all
 * fit), or as O last set it */
typedef enum vw_overview_mode { VW_OV_AUTO = 0, VW_OV_OFF, VW_OV_ON } vw_overview_mode;

typedef struct vw_app {
    vw_session s;
    vw_layout L;
    vw_view v;
    vw_anim a;
    int w, h;
    int lecture;
    vw_lang lang;
    int mx, my;
    vw_hit hover, sel;
    int focus;           /* panel the caption explains */
    int first_panel;     /* the first panel on screen when they do not all fit */
    int dragging;        /* 1 pan, 2 minimap */
    int drag_x;
    int press_x, press_strip; /* a click on an overview strip opens it (a drag pans) */
    int follow;          /* keep the playhead on screen: while playing, and through zooms */
    vw_overview_mode overview;
    int overview_on;     /* this frame shows the overview */
    int open;            /* 1 + the panel opened from the overview (0: none) */
    int quit;
    int want_screenshot; /* the backend saves the next frame */
    int want_fullscreen; /* toggled with lecture mode */
    int slide;           /* a picture for a slide: no interactive chrome (header, keys, buttons, mini-map) */
    char message[512];   /* an error or warning shown under the header */
    char save_path[256];
    vw_runform form;
    vw_zone zones[VW_MAX_ZONES];
    int nzones;
    vw_capstrip cap;     /* lecture mode's caption strip, this frame */
    int cap_h, cap_set;  /* its height and fonts: they grow to what the captions need, and do */
    uint32_t cap_key;    /* not jump back while the window, language, focus and session stay */
    vw_cindex_set cx;    /* per run: counts the block sums do not hold */
    vw_preset_cache presets;
    /* mini-map summary, rebuilt when the session or the width changes */
    uint8_t *mm;         /* per run, per column: share of time waiting / in kernel */
    int mm_w, mm_runs;
    uint64_t mm_events;
} vw_app;

void vw_app_init(vw_app *app, int w, int h);
void vw_app_free(vw_app *app);
/* Loads a trace as new panels; a failure becomes the on-screen message and
 * is returned (-1) so the command line can report it too. */
int  vw_app_load(vw_app *app, const char *path);
void vw_app_input(vw_app *app, const vw_input *in);
void vw_app_tick(vw_app *app, double wall_seconds);
/* Lays out and builds the frame's draw commands. */
void vw_app_frame(vw_app *app, vw_draw *d);
/* Session changed (load, remove): refit the view, reset the playhead. */
void vw_app_session_changed(vw_app *app);
void vw_app_set_message(vw_app *app, const char *fmt, ...);

#endif
