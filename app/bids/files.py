"""Bid attachments: the per-bid limits on top of :mod:`app.core.uploads`.

Files are stored with :class:`app.core.storage.BlobStore` under ``UPLOAD_FOLDER/bids``
(outside the web root) under their SHA-256.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..core.storage import BlobStore
from ..core.uploads import (ALLOWED, ALLOWED_TEXT, CheckedFile, UploadRejected, check_content,  # noqa: F401
                            megabytes, read_limited, safe_display_name, sniff)


def store() -> BlobStore:
    return BlobStore(Path(current_app.config["UPLOAD_FOLDER"]) / "bids")


def check_upload(stream, filename: str | None, *, already_stored: int,
                 stored_digests: frozenset[str] | set[str] = frozenset()) -> CheckedFile:
    """Validate one uploaded file against the per-file and per-bid limits and its content.

    ``already_stored`` counts every distinct file the bid ever stored, removed ones
    included; the same bytes again (``stored_digests``) take no new room."""
    per_file = current_app.config["MAX_FILE_SIZE"]
    per_bid = current_app.config["MAX_BID_UPLOAD_TOTAL"]
    data = read_limited(stream, per_file)
    if data and hashlib.sha256(data).hexdigest() not in stored_digests and already_stored + len(data) > per_bid:
        raise UploadRejected(_("本申报的附件合计不能超过%(mb)s MB（已上传%(used)s MB，已删除的附件也计入），请压缩后再上传",
                               mb=megabytes(per_bid), used=megabytes(already_stored)), 413)
    return check_content(data, filename)
