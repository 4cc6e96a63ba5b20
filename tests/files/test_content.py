"""The engine side of attachments: declarations checked at their pointers, content judged from
bytes, names kept as metadata only, bytes stored once by hash."""
from __future__ import annotations

import copy

import pytest

from core.definition.checks import check_definition
from core.definition.kinds import kind_of
from core.definition.kinds.files import FileLimits
from core.files.content import clean_name, extension_fits, judge, runs_in_browser
from core.files.storage import Blobs
from tests.files.samples import HTML, PDF, SVG, png, zip_bomb

BASE = {"title": "附件测试", "type": "object", "x-ledger": {"key": "att"},
        "properties": {"name": {"type": "string", "title": "名称"}}}
GOOD = {"types": ["application/pdf", "image/*"], "max_bytes": 10485760, "max_files": 5}


def problems(x_file, **extra) -> list[dict]:
    document = copy.deepcopy(BASE)
    document["properties"]["att"] = {"type": "array", "title": "附件", "items": {"type": "string"},
                                     "x-file": x_file, **extra}
    return list(check_definition(document))


def test_the_declared_form_is_a_file_field():
    assert problems(GOOD) == []
    assert kind_of({"type": "array", "items": {"type": "string"}, "x-file": GOOD}) == "file"


@pytest.mark.parametrize("x_file, path, words", [
    ("pdf", "/properties/att/x-file", "应为对象"),
    ({}, "/properties/att/x-file/types", "应列出"),
    ({"types": []}, "/properties/att/x-file/types", "应列出"),
    ({"types": ["*/*"]}, "/properties/att/x-file/types/0", "不是可接受的文件类型"),
    ({"types": ["../../etc/passwd"]}, "/properties/att/x-file/types/0", "不是可接受的文件类型"),
    ({"types": ["model/x"]}, "/properties/att/x-file/types/0", "不是可接受的文件类型"),
    ({"types": [5]}, "/properties/att/x-file/types/0", "不是可接受的文件类型"),
    ({"types": ["image/png", "image/png"]}, "/properties/att/x-file/types", "不能重复"),
    ({"types": ["image/png"] + [f"image/x{i}" for i in range(40)]}, "/properties/att/x-file/types", "过多"),
    ({"types": ["image/png"], "max_bytes": 0}, "/properties/att/x-file/max_bytes", "大小上限"),
    ({"types": ["image/png"], "max_bytes": 10**12}, "/properties/att/x-file/max_bytes", "大小上限"),
    ({"types": ["image/png"], "max_bytes": "10MB"}, "/properties/att/x-file/max_bytes", "大小上限"),
    ({"types": ["image/png"], "max_files": True}, "/properties/att/x-file/max_files", "个数上限"),
    ({"types": ["image/png"], "max_files": 10**6}, "/properties/att/x-file/max_files", "个数上限"),
    ({"types": ["image/png"], "path": "/etc"}, "/properties/att/x-file", "不支持的属性：path"),
])
def test_a_malformed_declaration_is_refused_at_its_pointer(x_file, path, words):
    found = problems(x_file)
    assert any(p["path"] == path and words in p["message"] for p in found), found


def test_a_file_field_holds_strings_at_the_top_level_without_defaults():
    assert any(p["path"] == "/properties/att/default" for p in problems(GOOD, default=["x"]))
    document = copy.deepcopy(BASE)
    document["properties"]["att"] = {"type": "array", "title": "附件", "items": {"type": "integer"}, "x-file": GOOD}
    assert any(p["path"] == "/properties/att/items" for p in check_definition(document))
    document = copy.deepcopy(BASE)
    document["properties"]["g"] = {"type": "object", "title": "组", "properties": {
        "att": {"type": "array", "title": "附件", "items": {"type": "string"}, "x-file": GOOD}}}
    assert any(p["path"] == "/properties/g/properties/att" and "第一层" in p["message"]
               for p in check_definition(document))


@pytest.mark.parametrize("data, media", [
    (PDF, "application/pdf"), (png(), "image/png"), (SVG, "image/svg+xml"), (HTML, "text/html"),
    (b"\xef\xbb\xbf  <html><script>x</script>", "text/html"), (b"<?xml version='1.0'?><a/>", "application/xml"),
    (b"plain words\n<script>alert(1)</script>", "text/html"), ("会议纪要".encode(), "text/plain"),
    (zip_bomb(1), "application/zip"), (b"\x00\x01\x02binary", "application/octet-stream"),
])
def test_the_type_is_judged_from_the_content(data, media):
    assert judge(data) == media


def test_a_family_never_takes_markup_a_browser_runs():
    images = FileLimits(("image/*",), 100, 1)
    assert images.accepts("image/png") and not images.accepts("image/svg+xml")
    assert not FileLimits(("text/*",), 100, 1).accepts("text/html")
    assert FileLimits(("image/svg+xml",), 100, 1).accepts("image/svg+xml")


def test_only_harmless_types_are_shown_inline():
    assert not runs_in_browser("application/pdf") and not runs_in_browser("image/png")
    for media in ("text/html", "image/svg+xml", "application/xml", "application/octet-stream", "application/zip"):
        assert runs_in_browser(media)


@pytest.mark.parametrize("name, expected", [
    ("../../x", "x"), ("..\\..\\boot.ini", "boot.ini"), ("/etc/passwd", "passwd"), ("", "未命名文件"),
    ("..", "未命名文件"), ("报告\u202egpj.exe", "报告gpj.exe"), ("a\x00b.pdf", "ab.pdf"),
    ("年度报告.pdf", "年度报告.pdf"), ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
])
def test_names_are_metadata_only(name, expected):
    assert clean_name(name) == expected


def test_extensions_must_match_the_content():
    assert extension_fits("a.pdf", "application/pdf") and extension_fits("a.JPG", "image/jpeg")
    assert extension_fits("公文.wps", "application/msword") and extension_fits("无扩展名", "image/png")
    assert not extension_fits("a.pdf", "image/png") and not extension_fits("a.png", "text/html")


def test_bytes_are_stored_once_under_their_hash(tmp_path):
    blobs = Blobs(tmp_path / "files")
    first, second = blobs.put(PDF), blobs.put(PDF)
    assert first == second and blobs.path(first).read_bytes() == PDF
    assert [sha for sha, _ in blobs.stored()] == [first]
    assert not [p for p in (tmp_path / "files").iterdir() if p.name.startswith(".upload-")]
    with pytest.raises(ValueError):
        blobs.path("../../etc/passwd")
    assert blobs.remove(first) == len(PDF) and blobs.remove(first) == 0
