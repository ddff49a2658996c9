"""Breaking a 公文 title into lines after GB/T 9704 §7.3.2 (pure; no Flask).

"标题回行时，要做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形":
lines break only between words (segmented by rjieba, a dictionary segmenter), no line
holds a single character, and the line lengths form a 梯形 (each line no longer than
the next — or no shorter, an inverted trapezoid) or a 菱形 (longest in the middle).
"""
from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache

# A 22 pt title in the 156 mm text block holds 20 full-width characters.
MAX_UNITS = 20.0
MIN_LINE = 3          # characters: no orphan at the end of a title
# Punctuation that must stay with the token before it (closing) or after it (opening).
CLOSING = set("”’）》〕】」』，。、；：？！…—·")
OPENING = set("“‘（《〔【「『")
# Terms the dictionary splits but a title must keep whole.
TERMS = ("揭榜挂帅", "科学技术局", "财政局", "实施细则", "管理办法")
MAX_QUOTED = 10       # a quoted term up to this many characters is never broken


def width(text: str) -> float:
    """Width in full-width characters: ASCII and half-width forms count one half."""
    return sum(0.5 if unicodedata.east_asian_width(c) in "NaH" else 1.0 for c in text)


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    return rjieba.cut


def words(text: str) -> list[str]:
    """Unbreakable pieces: dictionary words with their punctuation attached."""
    tokens = [t for t in _segmenter()(text) if t]
    merged: list[str] = []
    pending_open = ""
    for token in tokens:
        if all(c in OPENING for c in token):
            pending_open += token
            continue
        token = pending_open + token
        pending_open = ""
        if merged and (token[0] in CLOSING or (token.isascii() and merged[-1][-1:].isascii()
                                                and token.strip().isalnum())):
            merged[-1] += token
        else:
            merged.append(token)
    if pending_open:
        if merged:
            merged[-1] += pending_open
        else:
            merged.append(pending_open)
    return _keep_terms(merged)


def _keep_terms(pieces: list[str]) -> list[str]:
    """Join pieces that split a known term or a short quotation (“揭榜挂帅”)."""
    out: list[str] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        j = i + 1
        while j < len(pieces):
            text = piece + pieces[j]
            inside_quote = piece.count("“") > piece.count("”") and len(text) <= MAX_QUOTED + 2
            splits_term = any(t in text and t not in piece and t not in pieces[j]
                              and text.index(t) < len(piece) for t in TERMS)
            if not (inside_quote or splits_term):
                break
            piece = text
            j += 1
        out.append(piece)
        i = j
    return out


def _shape_ok(lengths: list[float]) -> bool:
    if len(lengths) == 1:
        return True
    rising = all(a <= b for a, b in zip(lengths, lengths[1:]))
    falling = all(a >= b for a, b in zip(lengths, lengths[1:]))
    peak = lengths.index(max(lengths))
    diamond = (0 < peak < len(lengths) - 1
               and all(a <= b for a, b in zip(lengths[:peak + 1], lengths[1:peak + 1]))
               and all(a >= b for a, b in zip(lengths[peak:], lengths[peak + 1:])))
    return rising or falling or diamond


def break_title(title: str, max_units: float = MAX_UNITS) -> list[str]:
    """Lines of ``title``: between words only, no single-character line, 梯形 or 菱形."""
    title = title.strip()
    if width(title) <= max_units:
        return [title]
    pieces = words(title)
    widths = [width(p) for p in pieces]
    n_min = int(-(-sum(widths) // max_units))
    best: tuple[float, list[str]] | None = None
    for n in range(n_min, min(n_min + 2, len(pieces)) + 1):
        for cuts in itertools.combinations(range(1, len(pieces)), n - 1):
            bounds = (0, *cuts, len(pieces))
            lines = ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])]
            lengths = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:])]
            if max(lengths) > max_units or min(len(line) for line in lines) < MIN_LINE:
                continue
            mean = sum(lengths) / n
            cost = sum((x - mean) ** 2 for x in lengths) + 40 * (n - n_min)
            if not _shape_ok(lengths):
                cost += 1000
            # prefer 上短下长 (正梯形) among equals, and breaks after 的/关于
            cost += 0.1 * sum(1 for a, b in zip(lengths, lengths[1:]) if a > b)
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None and best[0] < 1000:
            break
    if best is None:           # one enormous word: let the renderer break it
        return [title]
    return best[1]
