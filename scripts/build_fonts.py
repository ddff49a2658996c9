#!/usr/bin/env python3
"""Derive the compact CJK fonts used by official-document PDFs (run once at set-up).

One compact face per typographic role of GB/T 9704-2012 (see ``ROLES``):

    fang  正文 body, 附件说明, 署名, 版记      仿宋   FandolFang Regular (texlive-lang-chinese)
    xbs   发文机关标志 mark and 标题 title     小标宋 Noto Serif CJK SC Black (fonts-noto-cjk-extra)
    hei   一级标题 一、 (regular weight)       黑体   Noto Sans CJK SC Regular (fonts-noto-cjk)
    kai   二级标题 （一）                      楷体   FandolKai Regular (texlive-lang-chinese)
    song  页码 page numbers                    宋体   Noto Serif CJK SC Regular (fonts-noto-cjk)

A bureau that licenses the customary faces (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312,
黑体) points a role at its file with an environment variable, e.g.
``DOCUMENT_FONT_FANG=/srv/fonts/仿宋_GB2312.ttf`` (``DOCUMENT_FONT_XBS``, ``…_HEI``,
``…_KAI``, ``…_SONG``; a collection takes ``path#index``); the compact face is then
derived from that file instead.

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
BUILD_VERSION = 4  # bump when the character set or the procedure changes

# Debian's texlive-lang-chinese when installed, else the fonts `make` unpacked from it.
FANDOL_SYSTEM = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
FANDOL_DIR = FANDOL_SYSTEM if (FANDOL_SYSTEM / "FandolFang-Regular.otf").exists() else ROOT / "var" / "fonts" / "fandol"

# role -> output file, family we publish, weight name, default source (file, family inside
# a collection or None), Debian package, licence. Must match app/documents/fonts.py ROLES.
ROLES = {
    "fang": ("JBFang-Regular.ttf", "JB Fang", "Regular", (FANDOL_DIR / "FandolFang-Regular.otf", None),
             "texlive-lang-chinese", "GPL-3+ with font exception (Fandol)"),
    "xbs": ("JBXbs-Regular.ttf", "JB Xbs", "Regular", (NOTO_DIR / "NotoSerifCJK-Black.ttc", "Noto Serif CJK SC Black"),
            "fonts-noto-cjk-extra", "SIL OFL 1.1 (Noto Serif CJK)"),
    "hei": ("JBHei-Regular.ttf", "JB Hei", "Regular", (NOTO_DIR / "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
            "fonts-noto-cjk", "SIL OFL 1.1 (Noto Sans CJK)"),
    "kai": ("JBKai-Regular.ttf", "JB Kai", "Regular", (FANDOL_DIR / "FandolKai-Regular.otf", None),
            "texlive-lang-chinese", "GPL-3+ with font exception (Fandol)"),
    "song": ("JBSong-Regular.ttf", "JB Song", "Regular", (NOTO_DIR / "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
             "fonts-noto-cjk", "SIL OFL 1.1 (Noto Serif CJK)"),
}


def role_source(role: str, environ=None) -> tuple[Path, str | int | None, str]:
    """(file, family or index inside a collection, origin) of ``role``'s source face."""
    import os

    environ = os.environ if environ is None else environ
    override = environ.get(f"DOCUMENT_FONT_{role.upper()}", "").strip()
    if override:
        path, _sep, index = override.partition("#")
        return Path(path), int(index) if index else None, "configured"
    path, family = ROLES[role][3]
    return path, family, "default"


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


def _face_index(collection, family) -> int:
    if isinstance(family, int):
        return family
    for index, font in enumerate(collection.fonts):
        if family in (font["name"].getDebugName(1), font["name"].getDebugName(4)):
            return index
    if family is None:
        return 0
    raise SystemExit(f"family {family!r} not found in collection")


def load_face(source: Path, family):
    """The TTFont of ``family`` (name or index) in a collection, or the single face of a file."""
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source))
        return collection.fonts[_face_index(collection, family)]
    return TTFont(str(source))


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


def build_face(source: Path, family_in, family_out: str, weight: str,
               out: Path, cps: set[int]) -> dict:
    from fontTools import subset

    font = load_face(source, family_in)
    source_name = font["name"].getDebugName(4) or font["name"].getDebugName(1) or source.stem
    options = subset.Options()
    options.layout_features = ["kern", "vert", "vrt2"]
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "DSIG", "BASE", "JSTF", "MATH", "GDEF", "vhea", "vmtx", "STAT", "meta"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(cps))
    subsetter.subset(font)
    if "CFF " in font:
        _cff_to_glyf(font)
    _rename(font, family_out, weight)
    tmp = out.with_suffix(".tmp")
    font.save(str(tmp))
    tmp.replace(out)
    covered = set(font.getBestCmap())
    gb_hanzi = gb2312_hanzi()
    return {"glyphs": len(font.getGlyphOrder()), "bytes": out.stat().st_size, "source_name": source_name,
            "gb2312_missing": len(gb_hanzi - covered)}


def gb2312_hanzi() -> set[int]:
    """The 6,763 hanzi of GB 2312 (rows 16-87)."""
    out = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


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
    wanted = {"version": BUILD_VERSION, "sources": {}}
    sources = {}
    for role in ROLES:
        path, family, origin = role_source(role)
        if args.source_dir != NOTO_DIR and origin == "default" and path.parent == NOTO_DIR:
            path = args.source_dir / path.name
        if not path.exists():
            package = ROLES[role][4]
            hint = (f"check DOCUMENT_FONT_{role.upper()}" if origin == "configured"
                    else f"install Debian's {package}")
            print(f"build_fonts: {path} missing for role {role} — {hint}", file=sys.stderr)
            return 1
        sources[role] = (path, family, origin)
        wanted["sources"][role] = f"{path}#{family}:{_source_stamp(path)}"

    if not args.force and manifest_path.exists():
        try:
            current = json.loads(manifest_path.read_text())
        except ValueError:
            current = {}
        if (current.get("version") == wanted["version"] and current.get("sources") == wanted["sources"]
                and all((out_dir / spec[0]).exists() for spec in ROLES.values())):
            print(f"build_fonts: up to date ({out_dir})")
            return 0

    out_dir.mkdir(parents=True, exist_ok=True)
    cps = charset()
    faces = {}
    for role, (out_name, family_out, weight, _default, package, licence) in ROLES.items():
        path, family_in, origin = sources[role]
        started = time.perf_counter()
        info = build_face(path, family_in, family_out, weight, out_dir / out_name, cps)
        info.update(role=role, family=family_out, weight=weight, source=str(path), origin=origin,
                    package=package if origin == "default" else None,
                    licence=licence if origin == "default" else "as licensed by the deployment",
                    seconds=round(time.perf_counter() - started, 1))
        faces[out_name] = info
        print(f"build_fonts: {role}: {out_name} from {info['source_name']}: {info['glyphs']} glyphs, "
              f"{info['bytes'] // 1024} KiB, GB 2312 hanzi missing {info['gb2312_missing']}, "
              f"{info['seconds']} s")
    manifest = dict(wanted, codepoints=len(cps), faces=faces)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
