"""Importing experts from an xlsx or CSV file (专家批量导入).

All or nothing: the file is read and every row checked first; when any row has a
problem, nothing is saved and the page lists every problem (row number, column,
reason). Only a file without problems creates users and profiles.

The type is judged by content (core.uploads.sniff): an xlsx is an OOXML workbook,
a CSV is text (UTF-8, with or without BOM, or GB18030 as Excel saves it on Chinese
Windows) without NUL bytes. Anything else -- a PDF renamed .csv, a zip renamed
.xlsx -- is refused.
"""
from __future__ import annotations

import csv
import io
import math
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.uploads import UploadRejected, read_limited, sniff
from .expert_operations import ExpertData, check_data, save_expert_profile
from .expert_rules import parse_history, split_fields
from .models import Role, User
from .rules import normalise_email

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 30
MAX_CELL = 1000

# Column header -> key. The first row of the file names the columns, in any order.
COLUMNS = {
    "姓名": "name", "邮箱": "email", "手机": "phone", "职称": "title",
    "工作单位信用代码": "employer_code", "专业领域": "fields", "历史工作单位": "history",
}
REQUIRED = ("姓名", "邮箱")
COLUMN_LABELS = {"name": _l("姓名"), "email": _l("邮箱"), "phone": _l("手机"), "title": _l("职称"),
                 "employer_code": _l("工作单位信用代码"), "fields": _l("专业领域"),
                 "history": _l("历史工作单位")}


@dataclass
class Problem:
    row: int | None  # spreadsheet row number (the header is row 1); None for the whole file
    column: str
    reason: str


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)  # {"row": n, key: text}
    problems: list[Problem] = field(default_factory=list)
    created: list = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------

def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text)


def _cell_text(value, row: int, header: str, problems: list) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e15 or value != int(value):
            problems.append(Problem(row, header, _("数值无效，请以文本填写")))
            return ""
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        problems.append(Problem(row, header, _("不应是日期格式，请以文本填写")))
        return ""
    text = str(value)
    if len(text) > MAX_CELL:
        problems.append(Problem(row, header, _("内容过长（超过%(n)s个字符）", n=MAX_CELL)))
        return ""
    if _has_control(text):
        problems.append(Problem(row, header, _("含有不可见的控制字符")))
        return ""
    return unicodedata.normalize("NFC", text).strip()


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged workbook
        raise UploadRejected(_("无法读取该 Excel 文件，请确认文件未损坏并另存为 .xlsx 格式")) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    if b"\x00" in data:
        raise UploadRejected(_("文件中含有空字符（NUL），不是有效的 CSV 文本文件"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise UploadRejected(_("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV"))
    try:
        for values in csv.reader(io.StringIO(text, newline="")):
            yield values[:MAX_COLUMNS]
    except csv.Error:
        raise UploadRejected(_("CSV 文件格式不正确（引号未闭合或字段过长）")) from None


def read_rows(data: bytes) -> ImportResult:
    """The rows of an import file as dicts of text; problems found while reading."""
    if not data:
        raise UploadRejected(_("文件为空（0 字节），请选择有内容的文件"))
    mime = sniff(data)
    if mime == XLSX:
        raw_rows = _xlsx_rows(data)
    elif mime is None:
        raw_rows = _csv_rows(data)
    else:
        raise UploadRejected(_("文件类型不被接受：系统按文件内容判断类型，只接受 Excel（.xlsx）或 CSV 文本文件（更改扩展名无效）"))
    result = ImportResult()
    header: list[str] | None = None
    for number, values in enumerate(raw_rows, start=1):
        if header is None:
            header = [_cell_text(v, 1, str(i + 1), result.problems) for i, v in enumerate(values)]
            if result.problems:
                return result
            unknown = [h for h in header if h and h not in COLUMNS]
            for name in unknown:
                result.problems.append(Problem(1, name[:30], _("无法识别的列名（可用列名：%(cols)s）",
                                                               cols="、".join(COLUMNS))))
            for name in REQUIRED:
                if name not in header:
                    result.problems.append(Problem(1, name, _("缺少必填列")))
            if len(set(h for h in header if h)) != len([h for h in header if h]):
                result.problems.append(Problem(1, "", _("列名有重复")))
            if result.problems:
                return result
            continue
        if number - 1 > MAX_ROWS:
            result.problems.append(Problem(None, "", _("一次最多导入%(n)s行，请拆分文件", n=MAX_ROWS)))
            return result
        row = {"row": number}
        for index, name in enumerate(header):
            if name in COLUMNS:
                value = values[index] if index < len(values) else None
                row[COLUMNS[name]] = _cell_text(value, number, name, result.problems)
        if any(v for k, v in row.items() if k != "row"):
            result.rows.append(row)
    if header is None:
        result.problems.append(Problem(None, "", _("文件中没有表头行")))
    elif not result.rows and not result.problems:
        result.problems.append(Problem(None, "", _("文件中没有数据行")))
    return result


# --- checking and saving ------------------------------------------------------------------

_FIELD_TO_COLUMN = {"title": "职称", "employer_code": "工作单位信用代码", "fields": "专业领域",
                    "employments": "历史工作单位", "relationships": "历史工作单位"}


def _check_row(row: dict, seen_emails: set, problems: list) -> ExpertData | None:
    n = row["row"]
    before = len(problems)
    name = row.get("name", "")
    if not name:
        problems.append(Problem(n, "姓名", _("必填")))
    elif len(name) > 100:
        problems.append(Problem(n, "姓名", _("不能超过100个字符")))
    email = normalise_email(row.get("email", ""))
    if not email:
        problems.append(Problem(n, "邮箱", _("必填")))
    else:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(Problem(n, "邮箱", _("电子邮箱格式不正确")))
        else:
            if len(email) > 254:
                problems.append(Problem(n, "邮箱", _("不能超过254个字符")))
            elif email in seen_emails:
                problems.append(Problem(n, "邮箱", _("与文件中前面的行重复")))
            elif User.query.filter_by(email=email).first() is not None:
                problems.append(Problem(n, "邮箱", _("该电子邮箱已被注册")))
            seen_emails.add(email)
    phone = row.get("phone", "")
    if phone and (len(phone) > 32 or not all(ch.isdigit() or ch in "+-() " for ch in phone)):
        problems.append(Problem(n, "手机", _("号码格式不正确")))
    history, history_problems = parse_history(row.get("history", ""))
    for message in history_problems:
        problems.append(Problem(n, "历史工作单位", message))
    data = ExpertData(
        title=row.get("title") or None, employer_code=row.get("employer_code") or None,
        fields=split_fields(row.get("fields", "")),
        employments=[(h.credit_code, h.start_year, h.end_year) for h in history],
    )
    _resolved, data_problems = check_data(data)
    for key, message in data_problems:
        problems.append(Problem(n, _FIELD_TO_COLUMN.get(key, key), str(message)))
    return data if len(problems) == before else None


def check_rows(result: ImportResult) -> list[tuple[dict, ExpertData]]:
    """Check every row (all problems are collected); the rows with their profile data."""
    seen: set[str] = set()
    checked = []
    for row in result.rows:
        data = _check_row(row, seen, result.problems)
        checked.append((row, data))
    return checked


def import_experts(data: bytes, *, actor) -> ImportResult:
    """Read, check, and -- only when no row has a problem -- create the expert users
    and their profiles. The accounts get an unusable random password hash: nobody
    knows a password, so each expert can log in only after an administrator resets
    it (管理员重置密码). Nothing here commits."""
    from ..core.audit import record_event
    from ..extensions import db

    result = read_rows(data)
    if result.problems:
        return result
    checked = check_rows(result)
    if result.problems:
        return result
    for row, profile_data in checked:
        user = User(email=normalise_email(row["email"]), name=row["name"], role=Role.EXPERT,
                    phone=row.get("phone") or None, is_active_flag=True,
                    password_hash="!" + secrets.token_urlsafe(32))
        db.session.add(user)
        record_event(user, "user_created", actor=actor, reason=str(_("批量导入专家")),
                     data={"role": Role.EXPERT.value, "email": user.email, "row": row["row"]})
        save_expert_profile(user, profile_data, actor=actor)
        result.created.append(user)
    return result


def read_upload(storage) -> bytes:
    """The uploaded file's bytes, at most EXPERT_IMPORT_MAX_BYTES (UploadRejected 413 beyond)."""
    from flask import current_app

    if storage is None or not getattr(storage, "filename", None):
        raise UploadRejected(_("请选择要导入的文件"))
    return read_limited(storage.stream, current_app.config.get("EXPERT_IMPORT_MAX_BYTES", MAX_IMPORT_BYTES))
