#include "render/capstrip.h"

#include <stdio.h>
#include <string.h>

#include "render/app.h"
#include "render/preset.h"
#include "render/ui_text.h"

typedef struct cs_ctx {
    vw_capstrip *cs;
    vw_font font;
    vw_cs_style style;
} cs_ctx;

static void add_line(void *ud, const char *s, size_t n)
{
    cs_ctx *c = ud;
    vw_capstrip *cs = c->cs;
    if (cs->n >= VW_CS_LINES || cs->used + n + 1 > sizeof cs->text)
        return;
    memcpy(cs->text + cs->used, s, n);
    cs->text[cs->used + n] = 0;
    cs->line[cs->n++] = (vw_cs_line){(uint32_t)cs->used, (uint8_t)c->font, (uint8_t)c->style, 0};
    cs->used += n + 1;
}

static void add(vw_capstrip *cs, vw_draw *d, int width, vw_font f, vw_cs_style st, const char *s)
{
    cs_ctx c = {cs, f, st};
    if (s && *s)
        vw_wrap(d, f, s, width, add_line, &c);
}

/* "[model] thread — call(...)": the facts line of a panel at the playhead;
 * 0 and the event's lane and index, or -1 when nothing happened yet */
static int facts_line(const vw_app *app, int p, char *out, size_t n, int *lane, size_t *idx)
{
    const vw_run *run = &app->s.runs[p];
    char facts[400];
    if (vw_caption_pick(run, app->a.t, lane, idx) != 0) {
        snprintf(out, n, "[%s] %s", run->model, vw_label("press_play", app->lang));
        return -1;
    }
    vw_caption_facts(run, &run->lanes[*lane].ev[*idx], vw_lane_title(&run->lanes[*lane], app->lang), app->lang, facts,
                     sizeof facts);
    snprintf(out, n, "[%s] %s", run->model, facts);
    return 0;
}

static uint32_t hash_words(const vw_capstrip *cs)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < cs->used; i++)
        h = (h ^ (unsigned char)cs->text[i]) * 16777619u;
    return h;
}

/* everything, wrapped with the two fonts given; 1 when an event is explained */
static int fill(vw_capstrip *cs, vw_app *app, vw_draw *d, int width, vw_font big, vw_font body)
{
    cs->n = 0;
    cs->used = 0;
    int p = app->focus < app->s.nruns ? app->focus : 0;
    const vw_run *r = &app->s.runs[p];
    char name[64], line[600];
    const vw_preset *pr = vw_run_scenario(r, name, sizeof name) == 0 ? vw_preset_get(&app->presets, name, r->source) : NULL;
    if (pr) { /* the whole caption: a filled one runs to a few hundred characters */
        char scen[sizeof pr->caption_en + 128];
        snprintf(scen, sizeof scen, vw_label("scenario_fmt", app->lang), pr->name);
        size_t k = strlen(scen);
        snprintf(scen + k, sizeof scen - k, "%s", vw_preset_caption(pr, app->lang));
        add(cs, d, width, body, VW_CS_SCENARIO, scen);
    }
    int lane;
    size_t idx;
    int explains = facts_line(app, p, line, sizeof line, &lane, &idx) == 0;
    add(cs, d, width, big, VW_CS_FACTS, line);
    if (explains) {
        char text[2048];
        vw_caption_explain(r, lane, idx, app->lang, text, sizeof text);
        add(cs, d, width, big, VW_CS_EXPLAIN, text);
    }
    add(cs, d, width, body, VW_CS_MODEL, vw_caption_model(r->model, app->lang));
    if (vw_run_has_emul(r)) /* what the grey lanes are */
        add(cs, d, width, body, VW_CS_MODEL, vw_caption_emul_note(app->lang));
    if (vw_caption_nagle_note(r, app->lang, line, sizeof line)) /* a delayed ACK set the request times */
        add(cs, d, width, body, VW_CS_MODEL, line);
    /* the other panels at the same instant, one line each (Tab moves the focus) */
    for (int k = 1; k < app->s.nruns && k <= 2; k++) {
        facts_line(app, (p + k) % app->s.nruns, line, sizeof line, &lane, &idx);
        add(cs, d, width, body, VW_CS_OTHER, line);
    }
    return explains;
}

/* y of each line within its page, a small gap between paragraphs; pages of
 * at most room pixels. Returns the tallest page's height. */
static int paginate(vw_capstrip *cs, vw_draw *d, int room)
{
    int y = 0, tallest = 0;
    cs->npages = 1;
    cs->first[0] = 0;
    for (int i = 0; i < cs->n; i++) {
        int lh = vw_text_h(d, (vw_font)cs->line[i].font);
        int gap = i > 0 && cs->line[i].style != cs->line[i - 1].style ? 4 : 0;
        if (y > 0 && y + gap + lh > room && cs->npages < VW_CS_PAGES) {
            cs->first[cs->npages++] = i;
            y = gap = 0;
        }
        cs->line[i].y = y + gap;
        y += gap + lh;
        tallest = y > tallest ? y : tallest;
    }
    cs->first[cs->npages] = cs->n;
    return tallest;
}

void vw_capstrip_build(vw_capstrip *cs, vw_app *app, vw_draw *d, int width, int max_h, int set)
{
    uint32_t old_hash = cs->hash;
    int old_page = cs->page;
    cs->n = 0;
    cs->used = 0;
    cs->npages = 1;
    cs->first[0] = cs->first[1] = 0;
    cs->h = cs->mark_h = cs->explains = 0;
    if (app->s.nruns == 0 || width <= 0)
        return;
    static const vw_font sets[2][2] = {{VW_FONT_LARGE, VW_FONT_NORMAL}, {VW_FONT_NORMAL, VW_FONT_SMALL}};
    int room = max_h - 2 * VW_CS_PAD, tall = 0;
    for (cs->set = set < 0 ? 0 : set > 1 ? 1 : set; cs->set < 2; cs->set++) {
        cs->explains = fill(cs, app, d, width, sets[cs->set][0], sets[cs->set][1]);
        tall = paginate(cs, d, 1 << 30);
        if (tall <= room || cs->set == 1)
            break;
    }
    if (tall > room) { /* pages, with room for the mark */
        cs->mark_h = vw_text_h(d, VW_FONT_SMALL);
        tall = paginate(cs, d, room - cs->mark_h);
    }
    cs->h = tall + 2 * VW_CS_PAD + cs->mark_h;
    cs->hash = hash_words(cs);
    cs->page = cs->hash == old_hash && old_page < cs->npages ? old_page : 0;
}

const char *vw_capstrip_text(const vw_capstrip *cs, int line) { return cs->text + cs->line[line].off; }

void vw_capstrip_next_page(vw_capstrip *cs) { cs->page = cs->npages > 1 ? (cs->page + 1) % cs->npages : 0; }
