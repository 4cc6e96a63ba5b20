"""Whole numbers people and programs name things by: entry ids, version numbers, page numbers.

int() reads far more than digits: "1_47", "+147", " 147", "١٤٧" (Arabic-Indic) and "１４７"
(full-width) are all 147 to it, so one entry would answer to many addresses. An id is plain
ASCII digits and nothing else; every surface reads ids, versions and pages through here.
"""
from __future__ import annotations

import re
from typing import Any

from core.errors import NotFound, QueryError
from core.settings import INT64

DIGITS = re.compile(r"[0-9]+", re.ASCII)


def plain_int(value: Any) -> int | None:
    """`value` as an int if it is one (not a bool) or text of ASCII digits only, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and len(value) <= 30 and DIGITS.fullmatch(value):
        return int(value)
    return None


def int_id(value: Any) -> int:
    """An entry id: plain ASCII digits, else the entry does not exist."""
    number = plain_int(value)
    if number is None or not 0 < number <= INT64:
        raise NotFound(f"记录 {str(value)[:40]} 不存在")
    return number


def int_version(value: Any) -> int:
    """An expected row version: a number, or its digits as an ETag ("3", W/"3") or a form field."""
    text = value.removeprefix("W/") if isinstance(value, str) else value
    if isinstance(text, str) and len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1]
    number = plain_int(text)
    if number is None:
        raise QueryError("缺少或无效的版本号（If-Match 或 version）")
    if not 0 < number <= INT64:
        raise QueryError("版本号超出范围")
    return number
