"""What a ledger with 1,000 attachments costs: on disk, in the database, per page, per ZIP.

    python bench/files.py                  # 1,000 files of 200 KB on 250 repair jobs, SQLite
    python bench/files.py --files 100 --size 20000

Question: how much disk and database space do N attachments take, and what do the entry
page, a file download, the ledger's ZIP and `files clean` cost with them in place? Files are
distinct PNGs (so none is stored twice); four per repair job, in the shipped repairs ledger.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from core.access import accounts  # noqa: E402
from core.access.policy import SYSTEM  # noqa: E402
from core.db.models import files  # noqa: E402
from core.entries import store  # noqa: E402
from core.files import cleanup, records  # noqa: E402
from core.files.storage import Blobs  # noqa: E402
import demo  # noqa: E402


def picture(n: int, size: int) -> bytes:
    """A distinct PNG of about `size` bytes (an IDAT of incompressible bytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    body = os.urandom(max(size - 80, 16)) + n.to_bytes(4, "big")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def disk_bytes(root: Path) -> tuple[int, int, int]:
    """(file bytes, bytes allocated on disk incl. folders, number of files) under `root`."""
    data = allocated = count = 0
    for path in root.rglob("*"):
        st = path.stat()
        allocated += st.st_blocks * 512
        if path.is_file():
            data += st.st_size
            count += 1
    return data, allocated, count


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--size", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "FILES_DIR": f"{tmp}/files"})
        db = app.extensions["ledger_db"]
        blobs = Blobs(f"{tmp}/files")
        accounts.create_user(db, "bench", "editor", "bench-password")
        token = accounts.issue_token(db, "bench")
        sample = demo.demo_entries("repairs")
        rows = [dict(sample[i % len(sample)]) for i in range(args.files // 4)]
        start = time.perf_counter()
        for i, row in enumerate(rows):
            row["photos"] = [records.upload(db, blobs, SYSTEM, "repairs", "photos", f"照片{i}-{k}.png",
                                            io.BytesIO(picture(i * 4 + k, args.size)))["id"] for k in range(4)]
        upload_s = time.perf_counter() - start
        stored = store.create_entries(db, SYSTEM, "repairs", rows)
        data, allocated, count = disk_bytes(Path(tmp) / "files")
        with db.read() as conn:
            n = conn.execute(select(func.count()).select_from(files)).scalar_one()
            meta = conn.execute(select(func.sum(func.length(files.c.id) + func.length(files.c.sha256)
                                                + func.length(files.c.name) + 60))).scalar_one()
        client = app.test_client()
        header = {"Authorization": f"Bearer {token}"}
        one = stored[0]["data"]["photos"][0]
        browser = app.test_client()
        assert browser.post("/login", data={"name": "bench", "password": "bench-password"}).status_code == 302
        entry_page = f"/ledgers/repairs/entries/{stored[0]['id']}"
        assert "照片0-0.png" in browser.get(entry_page).text
        page = timed(lambda: browser.get(entry_page))
        download = timed(lambda: client.get(f"/api/v1/files/{one}", headers=header).data)
        entry_json = timed(lambda: client.get(f"/api/v1/ledgers/repairs/entries/{stored[0]['id']}", headers=header))
        listing = timed(lambda: client.get("/api/v1/ledgers/repairs/entries?_size=50", headers=header))
        zipped = timed(lambda: client.get("/api/v1/ledgers/repairs/files.zip", headers=header).data, 1)
        zip_size = len(client.get("/api/v1/ledgers/repairs/files.zip", headers=header).data)
        clean = timed(lambda: cleanup.clean(db, blobs), 1)
        print(f"{n} files of {args.size:,} bytes on {len(rows)} entries; uploads {n / upload_s:,.0f} files/s")
        print(f"disk: {data / 1e6:,.1f} MB of bytes in {count} files, {allocated / 1e6:,.1f} MB allocated "
              f"(overhead {(allocated - data) / max(n, 1) / 1024:,.1f} KB a file incl. folders)")
        print(f"database: files rows ~{meta / max(n, 1):,.0f} bytes of text each (~{meta / 1e3:,.0f} KB in all)")
        print(f"entry page with 4 photos {page:,.1f} ms · GET a file {download:,.1f} ms · an entry (JSON) {entry_json:,.1f} ms · a list page of 50 "
              f"(JSON) {listing:,.1f} ms · the ledger's ZIP {zipped / 1000:,.2f} s ({zip_size / 1e6:,.1f} MB) · "
              f"files clean {clean:,.0f} ms")
        db.dispose()


if __name__ == "__main__":
    main()
