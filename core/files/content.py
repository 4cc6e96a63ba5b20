"""What an uploaded file is, judged from its bytes (never its name), and what may run in a browser.

`filetype` reads the magic numbers of binary formats (PDF, images, Office, archives); text has
none, so markup a browser would run (HTML, SVG, XML, scripts) is recognised here by its first
bytes. Only the types in `INLINE` are ever shown in the browser; everything else is a download.
"""
from __future__ import annotations

import re

import filetype

from core.errors import LedgerError

SNIFF_BYTES = 8192
OCTET = "application/octet-stream"
# Shown in the browser (a PDF opened, a thumbnail): formats that run no script there.
INLINE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp",
                    "text/plain"})
# The names each type is known by besides filetype's own extension (WPS saves .wps/.et as OLE).
EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg", "jpe", "jfif"}, "image/tiff": {"tif", "tiff"},
    "application/msword": {"doc", "wps", "dot"}, "application/vnd.ms-excel": {"xls", "et", "xlt"},
    "application/vnd.ms-powerpoint": {"ppt", "dps"},
    "text/plain": {"txt", "text", "log", "csv", "md"}, "text/html": {"html", "htm", "xhtml"},
    "image/svg+xml": {"svg", "svgz"}, "application/xml": {"xml"},
}
TITLES = {"application/pdf": "PDF 文档", "image/png": "PNG 图片", "image/jpeg": "JPEG 图片", "image/gif": "GIF 图片",
          "image/webp": "WebP 图片", "application/msword": "Word 文档", "application/vnd.ms-excel": "Excel 表格",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
          "application/zip": "ZIP 压缩包", "text/html": "网页（HTML）", "image/svg+xml": "SVG 图形",
          "application/xml": "XML 文档", "text/plain": "纯文本", OCTET: "未知类型"}
_MARKUP = (("<svg", "image/svg+xml"), ("<!doctype html", "text/html"), ("<html", "text/html"),
           ("<script", "text/html"), ("<body", "text/html"), ("<iframe", "text/html"), ("<head", "text/html"),
           ("<?xml", "application/xml"), ("<!doctype", "application/xml"), ("<", "application/xml"))
_TEXT = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")


class FileRefused(LedgerError):
    """An upload the field does not take: too big (413), a type it refuses (415), empty (422)."""

    def __init__(self, status: int, field_key: str, message: str):
        super().__init__(message, [{"field": field_key, "message": message}])
        self.status = status


def judge(data: bytes) -> str:
    """The media type of `data` from its content: magic numbers, else markup, text or unknown."""
    head = data[:SNIFF_BYTES]
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if _TEXT.search(head):
        return OCTET
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:  # only a character cut at the end of the sniffed part is forgiven
        if len(head) < SNIFF_BYTES or exc.start < len(head) - 3:
            return OCTET
        text = head[:exc.start].decode("utf-8")
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if "<svg" in lowered and lowered.startswith(("<?xml", "<!doctype", "<svg", "<!--")):
        return "image/svg+xml"
    for start, media in _MARKUP:
        if lowered.startswith(start):
            return media
    if "<script" in lowered or "<html" in lowered:
        return "text/html"  # markup later in the text still runs if a browser sniffs it
    return "text/plain"


def extensions_of(media: str) -> set[str]:
    known = filetype.get_type(mime=media)
    return EXTENSIONS.get(media, set()) | ({known.extension} if known is not None else set())


def extension(name: str) -> str | None:
    """The lower-case extension of a file name, or None when it has none ('.bashrc' has none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem.strip(". ") and ext else None


def extension_fits(name: str, media: str) -> bool:
    """Whether the name's extension is one of the content's: a renamed file is refused."""
    ext = extension(name)
    return ext is None or media == OCTET or ext in extensions_of(media)


def title(media: str) -> str:
    return TITLES.get(media, media)


def runs_in_browser(media: str) -> bool:
    """Everything but the `INLINE` types is sent as a download (`Content-Disposition: attachment`)."""
    return media not in INLINE


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_NAME = 200


def clean_name(name: str | None) -> str:
    """A file name as metadata: its last path part, no control or direction characters, not
    empty, at most MAX_NAME characters with its extension kept. Never used as a path."""
    name = _CONTROL.sub("", name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().strip(".").strip()
    if not name:
        return "未命名文件"
    if len(name) > MAX_NAME:
        ext = extension(name)
        keep = MAX_NAME - (len(ext) + 1 if ext and len(ext) < 16 else 0)
        name = name[:keep] + (f".{ext}" if ext and len(ext) < 16 else "")
    return name
