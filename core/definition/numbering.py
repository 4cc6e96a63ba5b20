"""Entry numbers people cite: 1, 2, 3 … per ledger, or a declared pattern such as 督〔2026〕7号.

`seq` runs 1, 2, 3 … over a ledger's whole life and is unique per ledger (never reused after
a delete); `number` is the text shown, rendered from `x-ledger.numbering.pattern` with `{n}`
(the ledger's sequence, or the year's with `"reset": "year"`) and `{year}` (the creation year
in the configured time zone). This module is the declaration; numbers are taken by
core/entries/numbering.py.
"""
from __future__ import annotations

import re
from typing import Iterator

PLACEHOLDER = re.compile(r"\{(n|year)(?::([1-9]))?\}")


def check_numbering(document: dict) -> Iterator[dict]:
    """Problems of `x-ledger.numbering` as {path, message}."""
    spec = document["x-ledger"].get("numbering")
    if spec is None:
        return
    where, pattern = "/x-ledger/numbering/pattern", spec["pattern"]
    names = [m.group(1) for m in PLACEHOLDER.finditer(pattern)]
    rest = PLACEHOLDER.sub("", pattern)
    if "{" in rest or "}" in rest:
        yield {"path": where, "message": "编号格式只能含 {n}、{year}（或 {n:3} 这样的补零位数）"}
    if names.count("n") != 1:
        yield {"path": where, "message": "编号格式应含且只含一个 {n}（序号）"}
    if spec.get("reset") == "year" and "year" not in names:
        yield {"path": where, "message": "按年重新编号时，编号格式应含 {year}，否则各年编号会重复"}


def render(pattern: str, n: int, year: int) -> str:
    def fill(match: re.Match) -> str:
        value = n if match.group(1) == "n" else year
        return str(value).zfill(int(match.group(2) or 0))
    return PLACEHOLDER.sub(fill, pattern)
