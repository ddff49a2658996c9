"""Project uploads: the signed agreement (PDF only) and evidence files, on top of
:mod:`app.core.uploads` (type judged by content, size-limited, names neutralised)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..core.storage import BlobStore
from ..core.uploads import ALLOWED, CheckedFile, UploadRejected, check_content, read_limited  # noqa: F401

PDF_ONLY = {"application/pdf": ALLOWED["application/pdf"]}
MAX_EVIDENCE_FILES = 10


def store() -> BlobStore:
    return BlobStore(Path(current_app.config["UPLOAD_FOLDER"]) / "projects")


def check_pdf(stream, filename: str | None) -> CheckedFile:
    data = read_limited(stream, current_app.config["MAX_FILE_SIZE"])
    return check_content(data, filename, allowed=PDF_ONLY, allowed_text="PDF")


def check_evidence(stream, filename: str | None) -> CheckedFile:
    return check_content(read_limited(stream, current_app.config["MAX_FILE_SIZE"]), filename)
