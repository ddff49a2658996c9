"""CJK faces for official-document PDFs: one compact face per GB/T 9704 role.

``scripts/build_fonts.py`` (run by ``make assets``) derives, once, compact TrueType
faces (GB 2312 + punctuation) into ``GENERATED_DIR``, one per role:

    fang 仿宋 body · xbs 小标宋 mark and title · hei 黑体 一、 · kai 楷体 （一） · song 宋体 page numbers

(which installed file serves each role, and how a bureau substitutes its licensed
faces, is in the build script's docstring and the README). Two modes:

* ``"compact"`` — ``@font-face`` rules for the generated faces; the stylesheet follows
  each role's family by the system Noto CJK family, so a character outside the subset
  (龘, 𠀀) falls back to a full face instead of rendering as a box;
* ``"system"`` — no ``@font-face`` at all: the naive set-up, used by the benchmark.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATED_DIR = ROOT / "app" / "static" / "fonts" / "generated"
MODES = ("compact", "system")

# generated file -> (CSS family, CSS weight); must match scripts/build_fonts.py ROLES.
COMPACT_FACES = {
    "JBFang-Regular.ttf": ("JB Fang", 400),
    "JBXbs-Regular.ttf": ("JB Xbs", 400),
    "JBHei-Regular.ttf": ("JB Hei", 400),
    "JBKai-Regular.ttf": ("JB Kai", 400),
    "JBSong-Regular.ttf": ("JB Song", 400),
}
# role -> (generated file, what GB/T 9704 asks for, where it is used)
ROLES = {
    "fang": ("JBFang-Regular.ttf", "仿宋", "正文、附件说明、署名、成文日期、版记"),
    "xbs": ("JBXbs-Regular.ttf", "小标宋", "发文机关标志、标题"),
    "hei": ("JBHei-Regular.ttf", "黑体", "一级标题“一、”、表头"),
    "kai": ("JBKai-Regular.ttf", "楷体", "二级标题“（一）”"),
    "song": ("JBSong-Regular.ttf", "宋体", "页码"),
}
SYSTEM_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


class FontsUnavailable(RuntimeError):
    """No CJK face is available: a document would print empty boxes."""


def manifest(directory: Path = GENERATED_DIR) -> dict:
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def role_faces(directory: Path = GENERATED_DIR) -> dict[str, dict]:
    """role -> {file, family, source, source_name, origin, licence, ...} from the build manifest."""
    faces = manifest(directory).get("faces", {})
    out = {}
    for role, (name, style, use) in ROLES.items():
        info = dict(faces.get(name) or {})
        info.update(file=name, style=style, use=use, built=(directory / name).is_file() and bool(info))
        out[role] = info
    return out


def compact_faces(directory: Path = GENERATED_DIR) -> dict[str, Path]:
    """Generated faces that exist and are listed in the build manifest."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    listed = manifest.get("faces", {})
    return {name: directory / name for name in COMPACT_FACES
            if name in listed and (directory / name).is_file()}


@lru_cache(maxsize=1)
def system_cjk_families() -> dict[str, str]:
    """Installed system families usable for Chinese -> one file providing each."""
    if not shutil.which("fc-list"):
        return {}
    out = subprocess.run(["fc-list", ":lang=zh", "family", "file"], capture_output=True,
                         text=True, timeout=30, check=False).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        path, _sep, families = line.partition(":")
        for family in families.strip().split(","):
            if family in SYSTEM_FAMILIES:
                found.setdefault(family, path.strip())
    return found


def font_face_css(mode: str = "compact") -> str:
    """``@font-face`` rules for ``mode`` (empty for the naive ``system`` mode)."""
    if mode not in MODES:
        raise ValueError(f"unknown font mode {mode!r}")
    if mode == "system":
        return ""
    rules = []
    for name, path in compact_faces().items():
        family, weight = COMPACT_FACES[name]
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f'font-style: normal; src: url("{path.resolve().as_uri()}") format("truetype"); }}')
    return "\n".join(rules)


def ensure_cjk_fonts(mode: str = "compact") -> None:
    """Refuse to render (clear error, nothing issued) when no CJK face can be found."""
    if mode == "compact" and compact_faces():
        return
    if system_cjk_families():
        return
    raise FontsUnavailable(
        "未找到可用的中文字体：请安装 fonts-noto-cjk 等字体包（make system-deps）并运行 make assets（scripts/build_fonts.py），"
        "否则公文中的汉字会显示为空白方框。"
    )
