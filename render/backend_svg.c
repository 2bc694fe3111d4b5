#include "render/backend_svg.h"

#include <math.h>

static void color(FILE *f, const char *attr, vw_rgba c)
{
    fprintf(f, " %s=\"#%06x\"", attr, (unsigned)(c >> 8));
    if ((c & 0xff) != 0xff)
        fprintf(f, " %s-opacity=\"%.3f\"", attr, (c & 0xff) / 255.0);
}

static void text_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, f);
        }
    }
}

static void arrow_head(FILE *f, const vw_cmd *c)
{
    double x1 = c->x + c->w, y1 = c->y + c->h, len = hypot(c->w, c->h);
    if (len < 1)
        return;
    double ux = c->w / len, uy = c->h / len, s = 5 + c->thick * 2;
    fprintf(f, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"", x1, y1, x1 - ux * s - uy * s * 0.6,
            y1 - uy * s + ux * s * 0.6, x1 - ux * s + uy * s * 0.6, y1 - uy * s - ux * s * 0.6);
    color(f, "fill", c->color);
    fputs("/>\n", f);
}

int vw_svg_write(FILE *f, const vw_draw *d, int w, int h)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"NanumSquare, 'Noto Sans CJK KR', 'Malgun Gothic', sans-serif\">\n", w, h, w, h);
    for (size_t i = 0; i < d->n; i++) {
        const vw_cmd *c = &d->cmd[i];
        switch (c->kind) {
        case VW_CMD_RECT:
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"", c->x, c->y, c->w, c->h);
            color(f, "fill", c->color);
            fputs("/>\n", f);
            break;
        case VW_CMD_FRAME:
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" stroke-width=\"%d\"",
                    c->x + 0.5, c->y + 0.5, c->w - 1, c->h - 1, c->thick);
            color(f, "stroke", c->color);
            fputs("/>\n", f);
            break;
        case VW_CMD_LINE:
        case VW_CMD_ARROW:
            fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"%d\"", c->x, c->y, c->x + c->w,
                    c->y + c->h, c->thick);
            color(f, "stroke", c->color);
            fputs("/>\n", f);
            if (c->kind == VW_CMD_ARROW)
                arrow_head(f, c);
            break;
        case VW_CMD_TEXT:
            /* y is the top of the text box; SVG places the baseline */
            fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"", c->x, c->y + d->font_px[c->font],
                    d->font_px[c->font]);
            color(f, "fill", c->color);
            fputc('>', f);
            text_escaped(f, vw_cmd_text(d, c));
            fputs("</text>\n", f);
            break;
        }
    }
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}
