"""Every `format` check is linear in the value (issue 15, item 7): 10,000-character hostile values.

The work is checked, not timed: while a check runs, a profile hook sees every call. No
backtracking engine may run (no method of a Python `re` pattern is called: the regexes are
RE2's), and the Python-level work must not grow with the value (the same number of calls for
10,000 and for 20,000 characters: what is left is RE2 and string methods, linear by construction).
An alarm of a few seconds is only a safety net, so that a regression fails instead of hanging.
"""
from __future__ import annotations

import re
import signal
import sys
from contextlib import contextmanager

import pytest

from core.definition import formats
from core.definition.loading import load_definition
from core.errors import EntryInvalid
from core.entries.validation import FORMAT_CHECKER, validate_entry


def hostile(n: int) -> list[str]:
    """Values of about `n` characters shaped to make a backtracking checker of each format work hard."""
    third = n // 3
    return [
        "a@" + "." * (n - 10) + "@",  # the email of the issue: 3 s in `^[^@\s]+@[^@\s]+\.[^@\s]+$`
        "a@" + "a." * (n // 2 - 2) + "@",
        "@" * n, "a" * n, "." * n, "-" * n, "1" * n, "/" * n, "%" * n, "{" * n, ":" * n, "~" * n,
        "a." * (n // 2), "a-" * (n // 2) + "a", "1." * (n // 2), "1:" * (n // 2), "::" + "f:" * (n // 2 - 2),
        "http://" + "a" * (n - 7), "http://[" + ":" * (n - 10) + "]", "http://a/" + "%2" * third,
        "a:" + "/" * (n - 2) + " ", "2026-03-05T" + "0" * (n - 11), "09:30:00." + "1" * (n - 10) + "x",
        "P" + "1" * (n - 2) + "X", "P1Y" + "1M" * third, "{a" + ",a" * (n // 2 - 2) + "}", "{" + "a." * third,
        "/" + "~" * (n - 1), "0" + "/a" * third + "~", "(a+)+" * (n // 5), "[" * n, "#" + "f" * (n - 1),
        "例" * n, "例." * (n // 2), "xn--" + "a" * (n - 4),
    ]


@contextmanager
def watched():
    """Records the Python calls made, and every call of a Python `re` pattern's methods."""
    seen = {"calls": 0, "re": []}

    def hook(frame, event, arg):
        if event == "call":
            seen["calls"] += 1
            if frame.f_code.co_filename.endswith(("/re/__init__.py", "/re/_compiler.py", "/re/_parser.py")):
                seen["re"].append(frame.f_code.co_name)
        elif event == "c_call" and isinstance(getattr(arg, "__self__", None), re.Pattern):
            seen["re"].append(f"{arg.__self__.pattern!r}.{arg.__name__}")

    def too_long(signum, frame):
        raise TimeoutError("a format check ran for seconds: it backtracks")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(5)  # a safety net only; the assertions below are about work, not time
    sys.setprofile(hook)
    try:
        yield seen
    finally:
        sys.setprofile(None)
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def work(name: str, values: list[str]) -> dict:
    """What the entry validator's format checker does for `values` (core.entries.validation.FORMAT_CHECKER)."""
    with watched() as seen:
        for value in values:
            FORMAT_CHECKER.conforms(value, name)
    return seen


@pytest.mark.parametrize("name", sorted(formats.CHECKS))
def test_every_format_check_is_linear_on_hostile_values(name):
    short, long = work(name, hostile(10_000)), work(name, hostile(20_000))
    assert short["re"] == [] and long["re"] == [], "a backtracking regex ran: " + ", ".join(short["re"][:5])
    assert long["calls"] <= short["calls"] + 5, (name, short["calls"], long["calls"])  # no per-character work
    assert short["calls"] < 60 * len(hostile(10)), (name, short["calls"])


def test_every_format_the_checkers_know_is_one_of_ours():
    from core.definition.checks import _SCHEMA_VALIDATOR
    assert set(FORMAT_CHECKER.checkers) == set(formats.CHECKS)
    assert _SCHEMA_VALIDATOR.format_checker is FORMAT_CHECKER  # definitions' $id, $ref, pattern too


GOOD_AND_BAD = {  # a valid value and a refused one of every format checked
    "date": ("2026-03-05", "2026-02-30"), "date-time": ("2026-03-05T09:30:00+08:00", "2026-03-05 09:30"),
    "time": ("09:30:00Z", "09:30"), "duration": ("P1Y2M3DT4H", "P1Y1W"),
    "email": ("office@example.gov.cn", "a@" + "." * 9990 + "@"), "idn-email": ("办公室@例子.中国", "办公室"),
    "hostname": ("example.gov.cn", "-a.com"), "idn-hostname": ("例子.中国", "a" * 300),
    "ipv4": ("127.0.0.1", "256.0.0.1"), "ipv6": ("::1", "fe80::1%eth0"),
    "uuid": ("12345678-1234-1234-1234-123456789abc", "12345678123412341234123456789abc"),
    "uri": ("https://example.gov.cn/a?b=1#c", "example.gov.cn"), "uri-reference": ("../a/b#c", "a b"),
    "iri": ("https://例子.中国/路径", "路径"), "iri-reference": ("路径/文件", "a b"),
    "uri-template": ("https://x/{id}{?q,r}", "{a:0}"), "json-pointer": ("/a/b~0~1", "a/b"),
    "relative-json-pointer": ("1/a", "01"), "regex": ("^[\\u4e00-\\u9fa5]+$", "(?=a)"),
    "color": ("#fff", "#ffff"),
}


@pytest.mark.parametrize("name", sorted(formats.CHECKS))
def test_every_format_still_decides(name):
    good, bad = GOOD_AND_BAD[name]
    assert formats.conforms(name, good) and not formats.conforms(name, bad)


def test_eighty_hostile_emails_in_a_child_table_cost_what_eighty_short_ones_cost():
    definition = load_definition({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "联系人", "type": "object",
        "properties": {"people": {"type": "array", "title": "联系人", "items": {
            "type": "object", "properties": {"mail": {"type": "string", "title": "邮箱", "format": "email"}}}}},
        "x-ledger": {"key": "contacts"}})

    def rows(n: int) -> dict:
        return {"people": [{"mail": "a@" + "." * (n - 3) + "@"} for _ in range(80)]}

    seen = []
    for n in (100, 10_000):
        with watched() as calls:
            with pytest.raises(EntryInvalid) as caught:
                validate_entry(definition, rows(n))
        assert len(caught.value.errors) == 80
        assert not [c for c in calls["re"] if "@" in c], calls["re"][:3]  # the email regex is gone
        seen.append(calls["calls"])
    assert seen[1] <= seen[0] + 20, seen  # 100 times longer values, the same work above RE2 and str


# --- the other checks of typed text that backtracked -----------------------------------------------

@pytest.mark.parametrize("text", [" " * 10_000, "甲" + " " * 10_000 + "乙", " \t" * 5_000 + "、", "\u3000" * 10_000 + "x"])
def test_choices_typed_in_one_cell_are_split_without_backtracking(text):
    from core.definition.kinds import KINDS
    definition = load_definition({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "多选", "type": "object",
        "properties": {"units": {"type": "array", "title": "承办单位", "uniqueItems": True,
                                 "items": {"type": "string", "enum": ["甲", "乙"]}}},
        "x-ledger": {"key": "units"}})
    field = definition.by_key["units"]
    with watched() as seen:
        KINDS["multichoice"].parse(field, text)
        KINDS["multichoice"].parse(field, text * 2)
    assert seen["re"] == [], seen["re"][:3]
    assert KINDS["multichoice"].parse(field, " 甲 ，\u3000乙、 ") == ["甲", "乙"]
    assert KINDS["multichoice"].parse(field, "甲; 乙|甲\n乙") == ["甲", "乙", "甲", "乙"]


def test_proposing_a_ledger_reads_emails_without_backtracking():
    from core.ledgers.proposal import _email, _is_email
    with watched() as seen:
        assert not _email("邮箱", ["a@" + "." * 9990 + "@", "a@" + "." * 9990 + "a"] * 40, csv=True)
    assert seen["re"] == [], seen["re"][:3]
    assert _email("邮箱", ["office@example.gov.cn", " a.b@c.cn "], csv=True)
    assert not _is_email("a@b.c1") and not _is_email("a@b") and not _is_email("a b@c.cn")
