"""Small files of each kind the attachment tests upload, made here (no binary fixtures)."""
from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib

from core.ledgers import versions
from core.access.policy import SYSTEM
from tests import scoping


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid PNG of one grey pixel (or more)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bomb(megabytes: int = 20) -> bytes:
    """A ZIP whose one member unpacks to `megabytes` of zeros (a few KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.bin", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


LIMIT = 4096
FILE_FIELDS = {
    "docs": {"type": "array", "title": "附件", "items": {"type": "string"},
             "x-file": {"types": ["application/pdf", "image/*"], "max_bytes": LIMIT, "max_files": 3}},
    "drawings": {"type": "array", "title": "图纸", "items": {"type": "string"},
                 "x-file": {"types": ["image/svg+xml", "text/html", "application/zip"], "max_bytes": 1 << 20}},
}


def setup(db, rules=scoping.UNIT_RULES) -> dict:
    """The scope tests' ledger (units 甲科, 甲科一组, 乙科) with two file fields added."""
    actors = scoping.setup(db, rules)
    document = copy.deepcopy(scoping.DOC)
    document["properties"].update(copy.deepcopy(FILE_FIELDS))
    versions.save_definition(db, SYSTEM, document)
    return actors
