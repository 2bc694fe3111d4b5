#!/usr/bin/env python3
"""Checks of slide pictures (tests/cli_slide.sh writes them into DIR):

  ko.png en.png          export --format png --slide, Korean and English
  ko.svg en.svg          export --format svg --slide
  ko-svg.png en-svg.png  those SVGs rasterised by rsvg-convert with no fonts at all
  normal.png normal.svg  the same trace without --slide (chrome, --at 0.5)
  stdout.png             export --format png --slide --lang ko -o - (standard output)

PNGs are decoded here (zlib and the PNG filters, no imaging library), SVGs
read with xml.etree; a text's box comes from the metrics the SVG embeds: its
glyphs' advances (data-adv) across, their outlines' extent up and down."""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NS = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"
WHITE = (255, 255, 255)


def read_png(path):
    """(width, height, rows of (r, g, b) tuples)"""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, f"{path}: unexpected PNG format"
        elif kind == b"IDAT":
            idat.append(body)
    bpp = 4 if ctype == 6 else 3
    raw, stride = zlib.decompress(b"".join(idat)), w * bpp
    assert len(raw) == h * (stride + 1), f"{path}: truncated image data"
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                c = prev[i - bpp] if i >= bpp else 0
                b = prev[i]
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def svg_texts(path):
    """[(label, x0, y0, x1, y1)] for every text of the SVG"""
    root = ET.parse(path).getroot()
    glyph = {}
    for face in root.iter(NS + "g"):
        if face.get("data-ascender") is None:
            continue
        for p in face.iter(NS + "path"):
            ys = [int(v) for v in re.findall(r"-?\d+", p.get("d"))][1::2]
            glyph[p.get("id")] = (int(p.get("data-adv")), min(ys), max(ys))
    texts = []
    for g in root.iter(NS + "g"):
        label = g.get("aria-label")
        if label is None:
            continue
        m = re.fullmatch(r"translate\((-?\d+) (-?\d+)\) scale\(([0-9.e-]+)\)", g.get("transform"))
        assert m, g.get("transform")
        X, Y, S = int(m[1]), int(m[2]), float(m[3])
        uses = [(float(u.get("x")), float(u.get("y", 0)), glyph[u.get(HREF)[1:]]) for u in g.iter(NS + "use")]
        if uses:
            texts.append((label, X + S * min(x for x, _, _ in uses), Y + S * min(y + gl[1] for _, y, gl in uses),
                          X + S * max(x + gl[0] for x, _, gl in uses), Y + S * max(y + gl[2] for _, y, gl in uses)))
    return texts


def overlaps(texts, eps=0.01, touch=1.5):
    """(pairs of texts that overlap, pairs that only touch: the ink of one line
    reaching at most `touch` px into the next, as a descender may)"""
    bad, touching = [], []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            across, down = min(a[3], b[3]) - max(a[1], b[1]), min(a[4], b[4]) - max(a[2], b[2])
            if across > eps and down > touch:
                bad.append((a, b))
            elif across > eps and down > eps:
                touching.append((a, b))
    return bad, touching


def near(a, b, tol=48):
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2])) <= tol


def dark(p, level=128):
    return p[0] + p[1] + p[2] < 3 * level


def ink(p):
    return 765 - p[0] - p[1] - p[2]


def box_pixels(w, h, t):
    for y in range(max(0, int(t[2])), min(h, int(t[4]) + 1)):
        for x in range(max(0, int(t[1])), min(w, int(t[3]) + 1)):
            yield x, y


HANGUL = re.compile("[\uac00-\ud7a3]")
CHROME = ("PAUSED", "PLAYING", "space play", "스페이스", "whole run", "전체", "PgUp", "sockscope")
BUTTONS = ("up", "down", "x")


def check_no_chrome(d):
    for lang in ("ko", "en"):
        labels = [t[0] for t in svg_texts(f"{d}/{lang}.svg")]
        chrome = [s for s in labels if any(c in s for c in CHROME) or s in BUTTONS]
        assert not chrome, f"{lang}.svg: interactive chrome on a slide: {chrome[:5]}"
        assert any(s.startswith("1. ") for s in labels), f"{lang}.svg: no panel title"
        assert "0 ns" in labels, f"{lang}.svg: no time axis"
        legend = "유저 코드" if lang == "ko" else "user code"
        counter = "소켓 함수 호출" if lang == "ko" else "socket calls"
        assert legend in labels and counter in labels, f"{lang}.svg: legend or counters missing"
        svg = open(f"{d}/{lang}.svg").read()
        # everything in full colour: no lighter "not reached yet" fills (vw_future: alpha 0x48)
        assert 'fill-opacity="0.282"' not in svg, f"{lang}.svg: parts drawn as not reached yet"
    normal = [t[0] for t in svg_texts(f"{d}/normal.svg")]
    assert any("PAUSED" in s for s in normal), "the check above would not see a header"
    assert 'fill-opacity="0.282"' in open(f"{d}/normal.svg").read(), "the full-colour check would not see pale parts"
    # the header's rows and the mini-map's are background on a slide, drawn on a window's picture
    for name, want_blank in (("ko.png", True), ("en.png", True), ("normal.png", False)):
        w, h, rows = read_png(f"{d}/{name}")
        header = all(p == WHITE for y in range(0, 30) for p in rows[y])
        minimap = all(p == WHITE for y in range(h - 30, h - 8) for p in rows[y])
        assert header == want_blank and minimap == want_blank, \
            f"{name}: header rows blank {header}, mini-map rows blank {minimap}, expected {want_blank}"
    print("no chrome: slide SVGs hold no header/keys/buttons/mini-map text, slide PNGs' header and mini-map rows are background")


def check_no_overlap(d):
    for lang in ("ko", "en"):
        texts = svg_texts(f"{d}/{lang}.svg")
        bad, touching = overlaps(texts)
        for kind, pairs in (("overlap", bad), ("note: touching (the layout's lane labels)", touching)):
            for a, b in pairs[:10]:
                print(f"  {kind}: {a[0]!r} {[round(v, 1) for v in a[1:]]} and {b[0]!r} {[round(v, 1) for v in b[1:]]}")
        assert not bad, f"{lang}.svg: {len(bad)} pairs of texts overlap"
        assert len(texts) > 60, f"{lang}.svg: only {len(texts)} texts"
        print(f"{lang}.svg: {len(texts)} texts, none overlapping ({len(touching)} pairs touching by up to 1.5 px)")


def check_like_png(d, whole_min=0.97, text_min=0.50, hangul_min=0.90):
    for lang in ("ko", "en"):
        w, h, png = read_png(f"{d}/{lang}.png")
        w2, h2, svg = read_png(f"{d}/{lang}-svg.png")
        assert (w, h) == (w2, h2), f"{lang}: PNG {w}x{h}, SVG raster {w2}x{h2}"
        same = sum(near(a, b) for ra, rb in zip(png, svg) for a, b in zip(ra, rb))
        whole = same / (w * h)
        # text: inside the text boxes, the pixels inked in both of those inked in
        # either (intersection over union; a text missing or misplaced scores
        # low, a background box cannot score high)
        texts = svg_texts(f"{d}/{lang}.svg")
        inked_both = inked_either = 0
        for t in texts:
            for x, y in box_pixels(w, h, t):
                a, b = dark(png[y][x], 200), dark(svg[y][x], 200)
                inked_either += a or b
                inked_both += a and b
        text = inked_both / inked_either
        # Hangul: the PNG's dark stroke pixels are inked in the SVG's raster too
        # (unhinted outlines spread a stroke over more, lighter pixels), and
        # the two carry about as much ink in all
        strokes = found = ink_png = ink_svg = 0
        for t in texts:
            if HANGUL.search(t[0]):
                for x, y in box_pixels(w, h, t):
                    ink_png += ink(png[y][x])
                    ink_svg += ink(svg[y][x])
                    if dark(png[y][x]):
                        strokes += 1
                        found += dark(svg[y][x], 200)
        print(f"{lang}: SVG (rsvg-convert, no fonts) vs PNG: {whole:.4f} of all pixels alike, "
              f"text ink overlap {text:.4f} ({inked_either} px)"
              + (f"; Hangul: {found / strokes:.4f} of {strokes} stroke pixels inked, ink {ink_svg / ink_png:.3f}x the PNG's"
                 if strokes else ""))
        assert whole >= whole_min, f"{lang}: only {whole:.4f} of the pixels alike (want {whole_min})"
        assert text >= text_min, f"{lang}: text ink overlap only {text:.4f} (want {text_min})"
        if lang == "ko":
            assert strokes > 2000, f"ko: only {strokes} Hangul stroke pixels in the PNG"
            assert found / strokes >= hangul_min, f"ko: Hangul missing from the SVG raster: {found / strokes:.4f} (want {hangul_min})"
            assert 0.75 <= ink_svg / ink_png <= 1.25, f"ko: Hangul ink {ink_svg / ink_png:.3f}x the PNG's (want 0.75..1.25)"


def check_stdout_png(d):
    w, h, rows = read_png(f"{d}/stdout.png")
    assert (w, h) == (1600, 900), (w, h)
    assert any(p != WHITE for r in rows for p in r), "stdout.png is blank"
    print(f"stdout.png: a {w}x{h} PNG, decoded")


if __name__ == "__main__":
    check = {"no-chrome": check_no_chrome, "no-overlap": check_no_overlap, "like-png": check_like_png,
             "stdout-png": check_stdout_png}
    check[sys.argv[1]](sys.argv[2])
