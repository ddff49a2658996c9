"""CJK faces for official-document PDFs: compact derived faces plus a system fallback.

``scripts/build_fonts.py`` (run by ``make assets``) derives, once, compact TrueType
faces (GB 2312 + punctuation) from the installed Noto CJK collections into
``GENERATED_DIR``. Two modes:

* ``"compact"`` — ``@font-face`` rules for the generated faces, each family followed
  by the system Noto CJK family, so a character outside the subset (龘, 𠀀) falls
  back to the full face instead of rendering as a box;
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

# generated file -> (CSS family, CSS weight); must match scripts/build_fonts.py FACES.
COMPACT_FACES = {
    "JBSerif-Regular.ttf": ("JB Serif", 400),
    "JBSerif-Bold.ttf": ("JB Serif", 700),
    "JBSans-Bold.ttf": ("JB Sans", 700),
}
SYSTEM_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


class FontsUnavailable(RuntimeError):
    """No CJK face is available: a document would print empty boxes."""


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
        "未找到可用的中文字体：请安装 fonts-noto-cjk 并运行 make assets（scripts/build_fonts.py），"
        "否则公文中的汉字会显示为空白方框。"
    )
