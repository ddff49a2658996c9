"""Pure rules of the entered holiday calendar: reading a date, a kind, a name, and a
CSV file of them. No database here; :mod:`app.core.calendar_operations` adds the
checks that need one (year already complete, date already entered).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import filetype
from flask_babel import gettext as _

from .calendar_models import MAX_YEAR, MIN_YEAR, NAME_MAX, DayKind

MAX_CSV_BYTES = 64 * 1024   # a year has ~30 rows of ~30 bytes: 64 KB is ample
MAX_CSV_ROWS = 400          # more than any year's notice; refuses junk early

# Accepted spellings of the kind column (English as documented; what a person types
# from the notice in Chinese).
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY, "休": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY, "假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "调休上班": DayKind.WORKDAY, "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY, "补班": DayKind.WORKDAY,
}
HEADERS = {
    "date": "date", "日期": "date",
    "kind": "kind", "类型": "kind",
    "name": "name", "名称": "name", "节日": "name",
}

_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class CalendarInputError(ValueError):
    """One value that cannot be read; ``str(exc)`` is the Chinese message."""


@dataclass(frozen=True)
class DayEntry:
    day: date
    kind: DayKind
    name: str


def parse_date(raw: str) -> date:
    text = (raw or "").strip()
    match = _DATE.fullmatch(text) or _CN_DATE.fullmatch(text)
    if not match:
        raise CalendarInputError(_("日期“%(value)s”格式不正确，应为 YYYY-MM-DD（如 2027-01-01）",
                                   value=_shorten(text)))
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CalendarInputError(_("日期“%(value)s”不存在", value=text)) from None
    check_year(day.year)
    return day


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarInputError(_("年份应在 %(first)s 至 %(last)s 之间", first=MIN_YEAR, last=MAX_YEAR))
    return year


def parse_kind(raw: str) -> DayKind:
    kind = KIND_WORDS.get((raw or "").strip().lower())
    if kind is None:
        raise CalendarInputError(_("类型“%(value)s”无效，应为 holiday（放假）或 workday（调休上班）",
                                   value=_shorten(raw or "")))
    return kind


def clean_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise CalendarInputError(_("请填写节日名称（如 元旦、春节）"))
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise CalendarInputError(_("节日名称含有不可见的控制字符"))
    if len(name) > NAME_MAX:
        raise CalendarInputError(_("节日名称不能超过 %(n)s 个字符", n=NAME_MAX))
    return name


def check_entry(day: date, kind: DayKind, name: str) -> DayEntry:
    """A make-up working day is by definition a Saturday or Sunday."""
    if kind is DayKind.WORKDAY and day.weekday() < 5:
        raise CalendarInputError(_("%(day)s 是工作日（周一至周五），不能登记为调休上班日；调休上班日应为周六或周日",
                                   day=day.isoformat()))
    return DayEntry(day, kind, name)


def _shorten(text: str, limit: int = 40) -> str:
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in text)
    return text if len(text) <= limit else text[:limit] + "…"


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV, judged by its bytes: refuses empty, binary (Excel,
    PDF, images...) and undecodable files. UTF-8 (with or without BOM) and GB18030
    (what Excel on a Chinese Windows saves as "CSV") are accepted."""
    if not data.strip():
        raise CalendarInputError(_("文件为空，请选择包含节假日安排的 CSV 文件"))
    kind = filetype.guess(data)
    if kind is not None:
        raise CalendarInputError(_("文件内容是 %(type)s，不是 CSV 文本文件；如使用 Excel，请“另存为”CSV 格式后上传",
                                   type=kind.extension.upper()))
    if b"\x00" in data:
        raise CalendarInputError(_("文件含有空字节，不是 CSV 文本文件"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CalendarInputError(_("无法识别文件编码，请保存为 UTF-8 编码的 CSV 文件"))  # pragma: no cover - gb18030 decodes almost anything


def parse_csv(data: bytes) -> tuple[list[tuple[int, DayEntry]], list[tuple[int, str]]]:
    """The (line number, entry) rows of a ``date,kind,name`` CSV, and the problems found
    as (line number, message) pairs. The caller saves nothing when there are problems.
    Whole-file faults (not text, no header...) raise :class:`CalendarInputError`."""
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [(reader.line_num, row) for row in _bounded(reader)]
    except csv.Error:
        raise CalendarInputError(_("第 %(line)s 行不是有效的 CSV 格式（请检查引号）", line=reader.line_num)) from None
    rows = [(n, row) for n, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CalendarInputError(_("文件中没有数据行"))
    line_no, header = rows[0]
    columns = [HEADERS.get(cell.strip().lstrip("\ufeff").lower()) for cell in header]
    if sorted(c for c in columns if c) != ["date", "kind", "name"]:
        raise CalendarInputError(_("第 %(line)s 行应为表头 date,kind,name（或 日期,类型,名称）", line=line_no))
    index = {c: i for i, c in enumerate(columns) if c}
    entries: list[tuple[int, DayEntry]] = []
    problems: list[tuple[int, str]] = []
    seen: dict[date, int] = {}
    for line_no, row in rows[1:]:
        if len(row) > len(header):
            problems.append((line_no, _("列数多于表头（节日名称中含逗号时请用英文双引号括起）")))
            continue
        cells = {c: (row[i] if i < len(row) else "") for c, i in index.items()}
        try:
            day = parse_date(cells["date"])
            entry = check_entry(day, parse_kind(cells["kind"]), clean_name(cells["name"]))
        except CalendarInputError as exc:
            problems.append((line_no, str(exc)))
            continue
        if day in seen:
            problems.append((line_no, _("日期 %(day)s 与第 %(line)s 行重复", day=day.isoformat(), line=seen[day])))
            continue
        seen[day] = line_no
        entries.append((line_no, entry))
    if not entries and not problems:
        raise CalendarInputError(_("文件中只有表头，没有数据行"))
    return entries, problems


def _bounded(reader):
    for count, row in enumerate(reader, start=1):
        if count > MAX_CSV_ROWS + 1:
            raise CalendarInputError(_("文件行数过多（最多 %(n)s 行），请按年度分别导入", n=MAX_CSV_ROWS))
        yield row
