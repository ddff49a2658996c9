"""Bid attachments: judged by content (magic bytes), size-limited, names neutralised.

Files are stored with :class:`app.core.storage.BlobStore` under ``UPLOAD_FOLDER/bids``
(outside the web root) under their SHA-256; the name a person chose is kept only
for display and for ``Content-Disposition`` when downloading.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.storage import BlobStore

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


def store() -> BlobStore:
    return BlobStore(Path(current_app.config["UPLOAD_FOLDER"]) / "bids")


def read_limited(stream, limit: int) -> bytes:
    """Read at most ``limit`` bytes; one byte more means the file is too large (413)."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise UploadRejected(_("单个文件不能超过%(mb)s MB，请压缩或拆分后重新上传", mb=_mb(limit)), 413)
        chunks.append(chunk)
    return b"".join(chunks)


def _mb(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


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


def check_upload(stream, filename: str | None, *, already_stored: int) -> CheckedFile:
    """Validate one uploaded file against the per-file and per-bid limits and its content."""
    per_file = current_app.config["MAX_FILE_SIZE"]
    per_bid = current_app.config["MAX_BID_UPLOAD_TOTAL"]
    data = read_limited(stream, per_file)
    if not data:
        raise UploadRejected(_("文件为空（0 字节），请选择有内容的文件"))
    if already_stored + len(data) > per_bid:
        raise UploadRejected(_("本申报的附件合计不能超过%(mb)s MB（已上传%(used)s MB），请压缩后再上传",
                               mb=_mb(per_bid), used=_mb(already_stored)), 413)
    mime = sniff(data)
    if mime not in ALLOWED:
        raise UploadRejected(_("文件类型不被接受：系统按文件内容判断类型，只接受%(kinds)s（更改扩展名无效）",
                               kinds=ALLOWED_TEXT))
    name = safe_display_name(filename)
    extensions = ALLOWED[mime][1]
    if not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    return CheckedFile(data=data, display_name=name, content_type=mime)
