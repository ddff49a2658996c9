"""Collecting unreferenced blobs of the content-addressed stores (``core.storage``).

A blob is written before the row that references it is committed; a request that
then fails (or loses a race) leaves the blob behind. Domains register each store
with the query of the digests its rows reference; :func:`collect_garbage` (the
``storage.collect_garbage`` job of ``jobs run``) deletes a blob only when

* no registered source references it — the union of every source is kept in every
  store, so a blob referenced anywhere is never deleted — and
* it is older than the grace period (``BLOB_GC_GRACE_SECONDS``, default one day), so
  an upload whose transaction has not committed yet is never touched (``put`` makes an
  existing blob young again).

Removed attachments still reference their blob (a submitted version may list them,
and per-bid quotas count them): they are not garbage.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from .storage import BlobStore

log = logging.getLogger("jiebang.storage")

DEFAULT_GRACE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class BlobSource:
    name: str
    store: object       # callable() -> BlobStore
    referenced: object  # callable() -> iterable of sha256 hex digests


_SOURCES: dict[str, BlobSource] = {}


def register_blob_source(name: str, store, referenced) -> None:
    _SOURCES[name] = BlobSource(name, store, referenced)


def registered_sources() -> list[BlobSource]:
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def collect_garbage(now: datetime, grace_seconds: int | None = None) -> dict:
    from flask import current_app

    if grace_seconds is None:
        grace_seconds = int(current_app.config.get("BLOB_GC_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))
    cutoff = now.timestamp() - grace_seconds
    keep: set[str] = set()
    for source in registered_sources():
        keep.update(d for d in source.referenced() if d)
    removed = freed = 0
    seen_roots = set()
    for source in registered_sources():
        store: BlobStore = source.store()
        root = store.root.resolve()
        if root in seen_roots:
            continue
        seen_roots.add(root)
        for digest, path in list(store.blobs()):
            if digest in keep:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if stat.st_mtime >= cutoff:
                continue
            path.unlink(missing_ok=True)
            removed += 1
            freed += stat.st_size
            log.info("collected unreferenced blob %s (%s bytes) from %s", digest, stat.st_size, source.name)
        for path in list(store.stale_temporaries(cutoff)):
            path.unlink(missing_ok=True)
    return {"removed": removed, "bytes": freed}
