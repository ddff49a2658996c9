"""Content-addressed file storage outside the web root.

Files are written once under ``<root>/<aa>/<sha256>``; the same bytes map to the
same name, so re-reading returns identical bytes and nothing is overwritten.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class BlobStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            touch(target)  # young again: an upload in flight is never collected
            if target.exists():
                return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def blobs(self):
        """(sha256, path) of every stored blob (not temporary files)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if len(folder.name) != 2 or not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                name = path.name
                if len(name) == 64 and name.startswith(folder.name) and all(c in "0123456789abcdef" for c in name):
                    yield name, path

    def stale_temporaries(self, older_than: float):
        """Temporary files of writes that died (older than the POSIX time ``older_than``)."""
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/.tmp-*"):
            try:
                if path.stat().st_mtime < older_than:
                    yield path
            except FileNotFoundError:
                continue


def touch(path: Path) -> None:
    """Mark a blob as just used (its age protects it from the garbage collector)."""
    try:
        os.utime(path)
    except FileNotFoundError:  # collected meanwhile: the caller writes it again
        pass
