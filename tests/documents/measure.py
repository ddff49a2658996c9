"""Measuring an issued PDF against GB/T 9704-2012 from the PDF itself (PyMuPDF).

Positions are in millimetres from the top-left paper corner. A character's em box
(the frame a CJK glyph is designed in) is taken as 0.88 em above and 0.12 em below its
baseline, the ideographic em box of every face we embed.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

with warnings.catch_warnings():
    # PyMuPDF's SWIG bindings emit DeprecationWarnings while importing; with warnings
    # as errors the half-imported extension crashes the interpreter.
    warnings.simplefilter("ignore")
    import pymupdf

PT = 25.4 / 72
BLOCK = {"top": 37.0, "left": 28.0, "right": 210.0 - 26.0, "bottom": 297.0 - 35.0}
ROLE_FONTS = {"fang": "JB-Fang", "xbs": "JB-Xbs", "hei": "JB-Hei", "kai": "JB-Kai", "song": "JB-Song"}


@dataclass
class Char:
    c: str
    font: str
    size: float          # pt
    x0: float            # mm
    x1: float
    baseline: float
    color: int
    page: int

    @property
    def top(self) -> float:
        return self.baseline - 0.88 * self.size * PT

    @property
    def bottom(self) -> float:
        return self.baseline + 0.12 * self.size * PT


@dataclass
class Line:
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.c for c in self.chars)

    @property
    def page(self) -> int:
        return self.chars[0].page

    @property
    def fonts(self) -> set[str]:
        return {c.font for c in self.chars if not c.c.isspace()}


class Measured:
    def __init__(self, data: bytes):
        self.data = data
        self.doc = pymupdf.open(stream=io.BytesIO(data), filetype="pdf")
        self.pages = len(self.doc)
        self.lines: list[Line] = []
        self.rects: list[tuple[int, float, float, float, float, tuple]] = []   # page, x0, y0, x1, y1, fill
        for number, page in enumerate(self.doc, 1):
            raw = page.get_text("rawdict")
            for block in raw["blocks"]:
                for line in block.get("lines", []):
                    chars = []
                    for span in line["spans"]:
                        for ch in span["chars"]:
                            chars.append(Char(ch["c"], span["font"], span["size"], ch["bbox"][0] * PT,
                                              ch["bbox"][2] * PT, ch["origin"][1] * PT, span["color"], number))
                    if chars:
                        self.lines.append(Line(chars))
            for drawing in page.get_drawings():
                r = drawing["rect"]
                self.rects.append((number, r.x0 * PT, r.y0 * PT, r.x1 * PT, r.y1 * PT, drawing.get("fill")))

    # --- finders -----------------------------------------------------------------
    def lines_on(self, page: int) -> list[Line]:
        return [line for line in self.lines if line.page == page]

    def find(self, text: str, page: int | None = None) -> Line:
        for line in self.lines:
            if text in line.text and (page is None or line.page == page):
                return line
        raise AssertionError(f"{text!r} not found in {[l.text for l in self.lines][:40]}")

    def chars_in(self, font_part: str) -> list[Char]:
        return [c for line in self.lines for c in line.chars if font_part in c.font and not c.c.isspace()]

    def font_of(self, text: str, page: int | None = None) -> set[str]:
        line = self.find(text, page)
        start = line.text.index(text)
        return {c.font.split("+")[-1] for c in line.chars[start:start + len(text)] if not c.c.isspace()}

    def red_rule(self) -> tuple[float, float]:
        """(top, bottom) of the red rule on page 1."""
        for page, x0, y0, x1, y1, fill in self.rects:
            if page == 1 and fill and fill[0] > 0.7 and fill[1] < 0.2 and x1 - x0 > 150:
                return y0, y1
        raise AssertionError("no red rule on page 1")

    def hlines(self, page: int, min_width: float = 150) -> list[tuple[float, float]]:
        """(top, height) of the full-width black rules on ``page``, top to bottom."""
        out = []
        for p, x0, y0, x1, y1, fill in self.rects:
            if p == page and x1 - x0 >= min_width and (not fill or max(fill) < 0.2) and y1 - y0 < 1.5:
                out.append((round(y0, 3), round(y1 - y0, 3)))
        return sorted(set(out))

    def outside_block(self, tolerance: float = 0.3) -> list[str]:
        """Characters and drawings outside the text block (page numbers excepted)."""
        bad = []
        for line in self.lines:
            for c in line.chars:
                if c.c.isspace():
                    continue
                is_folio = "Song" in c.font and c.baseline > BLOCK["bottom"]
                if is_folio:
                    continue
                if (c.x0 < BLOCK["left"] - tolerance or c.x1 > BLOCK["right"] + tolerance
                        or c.top < BLOCK["top"] - tolerance or c.bottom > BLOCK["bottom"] + tolerance):
                    bad.append(f"p{c.page} {c.c!r} x {c.x0:.1f}-{c.x1:.1f} y {c.top:.1f}-{c.bottom:.1f}")
        for page, x0, y0, x1, y1, _fill in self.rects:
            if (x0 < BLOCK["left"] - tolerance or x1 > BLOCK["right"] + tolerance
                    or y0 < BLOCK["top"] - tolerance or y1 > BLOCK["bottom"] + tolerance):
                bad.append(f"p{page} drawing {x0:.1f},{y0:.1f}-{x1:.1f},{y1:.1f}")
        return bad

    def folio(self, page: int) -> Line | None:
        for line in self.lines_on(page):
            if line.chars[0].baseline > BLOCK["bottom"] and any(ch.isdigit() for ch in line.text):
                return line
        return None

    def base_fonts(self) -> set[str]:
        """Embedded font names with their subset tags (ABCDEF+JB-Fang)."""
        return {font[3] for page in range(self.pages) for font in self.doc.get_page_fonts(page)}

    def stray_spaces(self) -> list[str]:
        """Spaces printed between a digit and a hanzi (not the gap between two table cells)."""
        bad = []
        for line in self.lines:
            chars = line.chars
            for i in range(1, len(chars) - 1):
                a, sp, b = chars[i - 1], chars[i], chars[i + 1]
                if sp.c != " " or b.x0 - a.x1 > 0.5 * sp.size * PT:
                    continue
                pair = {_kind(a.c), _kind(b.c)}
                if pair == {"digit", "han"}:
                    bad.append(f"p{line.page}: {line.text}")
        return bad

    def metadata(self) -> dict:
        return dict(self.doc.metadata or {})

    def xmp(self) -> str:
        return self.doc.get_xml_metadata() or ""


def _kind(c: str) -> str:
    if c.isdigit():
        return "digit"
    if "\u4e00" <= c <= "\u9fff":
        return "han"
    return "other"
