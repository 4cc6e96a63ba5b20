"""The bytes of uploaded files, on disk under their SHA-256: the same bytes are stored once.

`<root>/ab/abcd…` (256 folders: a million files are ~4,000 a folder, which ext4 and NTFS
list quickly, and a small store wastes no directory blocks). A file is written to a
temporary name in the root and renamed into place, so a reader never sees half a file; a
name given by a user never reaches the file system.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

_SHA = re.compile(r"[0-9a-f]{64}")


class Blobs:
    """Content-addressed files under `root` (the app's instance folder, `files/`)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @classmethod
    def of_instance(cls, instance_path: str, configured: str | None = None) -> "Blobs":
        """The app's store: FILES_DIR when configured, else `files/` in the instance folder."""
        return cls(configured or Path(instance_path) / "files")

    def path(self, sha: str) -> Path:
        if not _SHA.fullmatch(sha):
            raise ValueError("not a SHA-256")
        return self.root / sha[:2] / sha

    def put(self, data: bytes) -> str:
        """Store `data` (once: the same bytes again only give its hash back); return its SHA-256."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha

    def exists(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def remove(self, sha: str) -> int:
        """Delete the bytes of `sha`; the number of bytes freed (0 when there were none)."""
        path = self.path(sha)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size

    def stored(self) -> Iterator[tuple[str, float]]:
        """(sha, modification time) of every stored file."""
        if not self.root.is_dir():
            return
        for folder in self.root.iterdir():
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for path in folder.iterdir():
                if _SHA.fullmatch(path.name):
                    yield path.name, path.stat().st_mtime
