"""Pure helpers shaping a document's body after GB/T 9704 (no Flask, no database).

A body is a list of blocks, each one of:

* ``"text"`` or ``{"p": "text"}`` — a paragraph, indented two characters;
* ``{"h1": "text"}`` … ``{"h4": "text"}`` — headings numbered 一、 （一） 1. （1）
  automatically (a heading restarts the numbering of the levels below it);
* ``{"table": {"columns": [...], "rows": [[...], ...], "widths": [...]}}`` — a ruled
  table; optional ``widths`` (relative column widths) give a fixed layout, which is
  also much faster to lay out than WeasyPrint's automatic table layout.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

CN_DIGITS = "零一二三四五六七八九"

HEADING_KINDS = ("h1", "h2", "h3", "h4")


class DocumentContextError(ValueError):
    """The context given for a document is incomplete or malformed (nothing issued)."""


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (heading numbers)."""
    if not 1 <= n <= 99:
        raise ValueError("heading numbers run from 1 to 99")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def heading_label(level: int, n: int) -> str:
    if level == 1:
        return f"{cn_numeral(n)}、"
    if level == 2:
        return f"（{cn_numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def _text(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DocumentContextError(f"{where}：需要非空文本")
    return value.strip()


def _table(spec, where: str) -> dict:
    if not isinstance(spec, Mapping):
        raise DocumentContextError(f"{where}：表格需要 columns 和 rows")
    columns = spec.get("columns")
    rows = spec.get("rows")
    if not isinstance(columns, Sequence) or isinstance(columns, str) or not columns:
        raise DocumentContextError(f"{where}：表格缺少列标题 columns")
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        raise DocumentContextError(f"{where}：表格缺少行 rows")
    out_rows = []
    for r, row in enumerate(rows, 1):
        if isinstance(row, str) or not isinstance(row, Sequence) or len(row) != len(columns):
            raise DocumentContextError(f"{where}：第 {r} 行应有 {len(columns)} 列")
        out_rows.append([str(cell) for cell in row])
    widths = spec.get("widths") or []
    if widths and (len(widths) != len(columns) or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and w > 0 for w in widths)):
        raise DocumentContextError(f"{where}：widths 应为与列数相同的正数（百分比）")
    total = sum(widths) or 1
    return {"kind": "table", "columns": [str(c) for c in columns], "rows": out_rows,
            "caption": str(spec.get("caption") or ""),
            "widths": [round(100 * w / total, 2) for w in widths]}


def structure_body(blocks) -> list[dict]:
    """Blocks as given by a caller -> render-ready dicts with heading labels."""
    if isinstance(blocks, str) or not isinstance(blocks, Sequence):
        raise DocumentContextError("正文 body 应为段落列表")
    counters = [0, 0, 0, 0]
    out: list[dict] = []
    for i, block in enumerate(blocks, 1):
        where = f"正文第 {i} 段"
        if isinstance(block, str):
            out.append({"kind": "p", "text": _text(block, where)})
            continue
        if not isinstance(block, Mapping) or len(block) != 1:
            raise DocumentContextError(f"{where}：应为文本或 {{'h1'|'h2'|'h3'|'h4'|'p'|'table': ...}}")
        (kind, value), = block.items()
        if kind == "p":
            out.append({"kind": "p", "text": _text(value, where)})
        elif kind in HEADING_KINDS:
            level = HEADING_KINDS.index(kind) + 1
            counters[level - 1] += 1
            for deeper in range(level, 4):
                counters[deeper] = 0
            out.append({"kind": kind, "label": heading_label(level, counters[level - 1]),
                        "text": _text(value, where)})
        elif kind == "table":
            out.append(_table(value, where))
        else:
            raise DocumentContextError(f"{where}：未知的段落类型 {kind!r}")
    return out


def require_keys(context: Mapping, keys: Sequence[str], *, label: str) -> None:
    """Every key present and not empty; lists every missing key in one message."""
    if not isinstance(context, Mapping):
        raise DocumentContextError(f"{label}：上下文应为字典")
    missing = [k for k in keys if k not in context or context[k] is None
               or (isinstance(context[k], (str, list, tuple, dict)) and len(context[k]) == 0)]
    if missing:
        raise DocumentContextError(f"{label}缺少必填内容：{'、'.join(missing)}")


def require_row_keys(rows, keys: Sequence[str], *, label: str) -> None:
    if isinstance(rows, str) or not isinstance(rows, Sequence):
        raise DocumentContextError(f"{label}应为列表")
    for n, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            raise DocumentContextError(f"{label}第 {n} 项应为字典")
        missing = [k for k in keys if row.get(k) in (None, "")]
        if missing:
            raise DocumentContextError(f"{label}第 {n} 项缺少：{'、'.join(missing)}")
