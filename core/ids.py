"""Whole numbers people and programs name things by: entry ids, version numbers, page numbers.

int() reads far more than digits: "1_47", "+147", " 147", "١٤٧" (Arabic-Indic) and "１４７"
(full-width) are all 147 to it, so one entry would answer to many addresses. An id is plain
ASCII digits and nothing else; every surface reads ids, versions and pages through here.
"""
from __future__ import annotations

import re
from typing import Any

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
