/* textwrap.c — paragraphs for a terminal, in Korean or English. */
#include "sim/base/textwrap.h"

#include <string.h>

/* Display columns of one UTF-8 character starting at s; *len gets its bytes.
 * Hangul and other wide scripts take two columns in a terminal. */
static int char_width(const unsigned char *s, int *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return 1;
    }
    int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
    unsigned cp = s[0] & (0x3F >> (n - 1));
    for (int i = 1; i < n && s[i]; i++)
        cp = cp << 6 | (s[i] & 0x3F);
    *len = n;
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                   (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60)
               ? 2
               : 1;
}

static int word_width(const char *w, size_t n)
{
    int cols = 0;
    for (size_t i = 0; i < n;) {
        int len;
        cols += char_width((const unsigned char *)w + i, &len);
        i += (size_t)len;
    }
    return cols;
}

void ss_print_wrapped(FILE *f, const char *lead, const char *indent, const char *text, int width)
{
    int col = word_width(lead, strlen(lead)), start = word_width(indent, strlen(indent));
    fputs(lead, f);
    int first = 1;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        int w = word_width(p, n);
        if (!first && col + 1 + w > width) {
            fprintf(f, "\n%s", indent);
            col = start;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, n, f);
        col += w;
        first = 0;
        p += n;
    }
    fputc('\n', f);
}
