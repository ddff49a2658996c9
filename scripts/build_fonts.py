#!/usr/bin/env python3
"""Derive the compact CJK fonts used by official-document PDFs (run once at set-up).

WeasyPrint subsets every font it embeds. Subsetting the system Noto CJK collection
(65,000 CFF glyphs, five languages in one .ttc) costs seconds per document; a font
holding only the GB 2312 character set (6,763 hanzi + symbols) plus ASCII and common
punctuation, with TrueType outlines and only the tables a PDF needs, costs a few
milliseconds. Characters outside the subset fall back to the system collection
(see ``app/documents/fonts.py``), so nothing renders as a box.

Output: ``app/static/fonts/generated/`` (git-ignored) plus ``manifest.json``.
Idempotent: returns at once when the manifest matches the sources and settings.

    python scripts/build_fonts.py [--force] [--out DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "app" / "static" / "fonts" / "generated"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
BUILD_VERSION = 3  # bump when the character set or the procedure changes

# output file -> (source collection, family name inside it, family we publish, weight)
FACES = {
    "JBSerif-Regular.ttf": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "JB Serif", "Regular"),
    "JBSerif-Bold.ttf": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "JB Serif", "Bold"),
    "JBSans-Bold.ttf": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "JB Sans", "Bold"),
}

# Punctuation and symbols official documents use besides GB 2312's own.
EXTRA_TEXT = (
    "〔〕【】《》〈〉「」『』“”‘’—–…·•●○■□▲△※№℃‰±×÷≤≥≠∶"
    "０１２３４５６７８９％＋－＝（）［］｛｝，。、；：？！"
    "￥¥€£©®™°"
)


def charset() -> set[int]:
    """GB 2312 (levels 1 and 2 plus its symbol rows), printable Latin-1, extras."""
    cps: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                cps.update(ord(c) for c in bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    cps.update(ord(c) for c in EXTRA_TEXT)
    cps.add(0x3000)  # ideographic space (two-character indents)
    return cps


def _face_index(collection, family: str) -> int:
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    raise SystemExit(f"family {family!r} not found in collection")


def _cff_to_glyf(font) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (cheap to subset, small)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        try:
            glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyph = pen.glyph()
        except Exception:  # an empty glyph draws nothing
            glyph = Glyph()
        glyf.glyphs[name] = glyph
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements", "maxPoints", "maxContours",
                 "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller
    font.sfntVersion = "\0\1\0\0"
    font["glyf"].compile(font)  # recalc bounds
    font.recalcBBoxes = True


def _rename(font, family: str, weight: str) -> None:
    name = font["name"]
    full = f"{family} {weight}"
    ps = f"{family.replace(' ', '')}-{weight}"
    name.names = [n for n in name.names if n.nameID in (0, 7, 8, 9, 11, 12, 13, 14)]
    for name_id, value in ((1, family), (2, weight), (3, f"JieBang;{ps}"), (4, full), (6, ps),
                           (16, family), (17, weight)):
        name.setName(value, name_id, 3, 1, 0x409)


def build_face(source: Path, family_in: str, family_out: str, weight: str,
               out: Path, cps: set[int]) -> dict:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(source))
    font = collection.fonts[_face_index(collection, family_in)]
    options = subset.Options()
    options.layout_features = ["kern", "vert", "vrt2"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "DSIG", "BASE", "JSTF", "MATH", "GDEF", "vhea", "vmtx", "STAT", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(cps))
    subsetter.subset(font)
    _cff_to_glyf(font)
    _rename(font, family_out, weight)
    tmp = out.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(out)
    return {"glyphs": len(font.getGlyphOrder()), "bytes": out.stat().st_size}


def _source_stamp(path: Path) -> str:
    stat = path.stat()
    return hashlib.sha256(f"{path}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:16]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--source-dir", type=Path, default=NOTO_DIR)
    args = parser.parse_args(argv)

    out_dir: Path = args.out
    manifest_path = out_dir / "manifest.json"
    wanted = {
        "version": BUILD_VERSION,
        "sources": {},
    }
    for _out, (src, *_rest) in FACES.items():
        src_path = args.source_dir / src
        if not src_path.exists():
            print(f"build_fonts: {src_path} missing — install Debian's fonts-noto-cjk", file=sys.stderr)
            return 1
        wanted["sources"][src] = _source_stamp(src_path)

    if not args.force and manifest_path.exists():
        try:
            current = json.loads(manifest_path.read_text())
        except ValueError:
            current = {}
        if (current.get("version") == wanted["version"] and current.get("sources") == wanted["sources"]
                and all((out_dir / f).exists() for f in FACES)):
            print(f"build_fonts: up to date ({out_dir})")
            return 0

    out_dir.mkdir(parents=True, exist_ok=True)
    cps = charset()
    faces = {}
    for out_name, (src, family_in, family_out, weight) in FACES.items():
        started = time.perf_counter()
        info = build_face(args.source_dir / src, family_in, family_out, weight, out_dir / out_name, cps)
        info.update(family=family_out, weight=weight, source=src,
                    seconds=round(time.perf_counter() - started, 1))
        faces[out_name] = info
        print(f"build_fonts: {out_name}: {info['glyphs']} glyphs, {info['bytes'] // 1024} KiB "
              f"in {info['seconds']} s")
    manifest = dict(wanted, codepoints=len(cps), faces=faces)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
