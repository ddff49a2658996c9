"""Uploaded files: judged by content (magic bytes), size-limited, names neutralised.

Used by every domain that accepts attachments (demands, bids, ...). The type is
sniffed from the bytes with the maintained ``filetype`` package — the name and
the Content-Type the browser sends are never trusted. The name a person chose is
kept only for display and for ``Content-Disposition`` when downloading.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Sniffed MIME type -> (display kind, extensions that belong to it). Word and Excel
# include both the OLE (.doc/.xls) and the OOXML (.docx/.xlsx) formats; filetype
# recognises OOXML before the generic zip matcher.
ALLOWED = {
    "application/pdf": ("PDF", (".pdf",)),
    "application/msword": ("Word", (".doc",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("Word", (".docx",)),
    "application/vnd.ms-excel": ("Excel", (".xls",)),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel", (".xlsx",)),
    "image/jpeg": (_l("图片"), (".jpg", ".jpeg")),
    "image/png": (_l("图片"), (".png",)),
    "application/zip": ("ZIP", (".zip",)),
}
ALLOWED_TEXT = "PDF、Word、Excel、JPG/PNG 图片、ZIP"
MAX_NAME_LENGTH = 120
_CHUNK = 64 * 1024


class UploadRejected(ValueError):
    """A refused upload; ``status`` is 400 (bad file) or 413 (too large)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    display_name: str
    content_type: str


def megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


def read_limited(stream, limit: int) -> bytes:
    """Read at most ``limit`` bytes; one byte more means the file is too large (413)."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise UploadRejected(_("单个文件不能超过%(mb)s MB，请压缩或拆分后重新上传", mb=megabytes(limit)), 413)
        chunks.append(chunk)
    return b"".join(chunks)


def safe_display_name(raw: str | None) -> str:
    """The last path component only, without control characters or leading dots;
    Chinese characters are kept. ``../../etc/passwd`` -> ``passwd``."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    name = re.sub(r"\s+", " ", name)
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 8 else ""
        name = name[: MAX_NAME_LENGTH - len(ext) - 1] + ("." + ext if ext else "")
    return name or _("附件")


def sniff(data: bytes) -> str | None:
    kind = filetype.guess(data)
    return kind.mime if kind is not None else None


def check_content(data: bytes, filename: str | None, *, allowed: dict = ALLOWED,
                  allowed_text: str = ALLOWED_TEXT) -> CheckedFile:
    """Refuse empty files and types outside ``allowed`` (judged by content); give the
    stored display name the extension of the type actually found."""
    if not data:
        raise UploadRejected(_("文件为空（0 字节），请选择有内容的文件"))
    mime = sniff(data)
    if mime not in allowed:
        raise UploadRejected(_("文件类型不被接受：系统按文件内容判断类型，只接受%(kinds)s（更改扩展名无效）",
                               kinds=allowed_text))
    name = safe_display_name(filename)
    extensions = allowed[mime][1]
    if not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    return CheckedFile(data=data, display_name=name, content_type=mime)
