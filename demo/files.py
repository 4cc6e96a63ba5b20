"""The demo's few attachments, made here in code (no binary files in the repository): a
one-page PDF and small PNG pictures, attached to the first sample entry of some ledgers."""
from __future__ import annotations

import io
import struct
import zlib

from core.access.policy import SYSTEM
from core.db.models import Database
from core.files import records
from core.files.storage import Blobs


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour with a darker frame."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    dark = bytes(c // 2 for c in rgb)
    rows = []
    for y in range(height):
        row = b"".join(dark if y in (0, height - 1) or x in (0, width - 1) else bytes(rgb) for x in range(width))
        rows.append(b"\x00" + row)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def pdf(text: str) -> bytes:
    """A one-page PDF showing one line of ASCII `text`, with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


# ledger key -> (field, [(file name, bytes)]) for its first sample entry
DEMO_FILES = {
    "emergency_plans": ("plan_files", [("示例预案（正文）.pdf", pdf("Demo emergency plan - sample only"))]),
    "supervision": ("instruction_scans", [("领导批示件扫描.png", png(48, 64, (245, 240, 225)))]),
    "repairs": ("photos", [("报修现场.png", png(64, 48, (120, 160, 200))),
                           ("维修完成.png", png(64, 48, (130, 190, 140)))]),
}


def with_demo_files(db: Database, blobs: Blobs, key: str, rows: list[dict]) -> list[dict]:
    """`rows` with the demo's files uploaded (as the system) and given to the first entry."""
    if key not in DEMO_FILES or not rows:
        return rows
    field, chosen = DEMO_FILES[key]
    ids = [records.upload(db, blobs, SYSTEM, key, field, name, io.BytesIO(data))["id"] for name, data in chosen]
    return [{**rows[0], field: ids}, *rows[1:]]
