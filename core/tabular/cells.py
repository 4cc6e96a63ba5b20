"""Spreadsheet cells <-> field values, both ways, for exports and imports.

Spreadsheets hand us what people typed or what Excel stored: 2026/3/5, Excel date cells,
"1,234.50", 是/否, "'=SUM(...)" from our own neutralised export. Each field kind reads and
writes its own cells (core.definition.kinds); this module is the spreadsheet-facing surface over them.
"""
from __future__ import annotations

from typing import Any

from core.definition.model import Field
from core.definition.kinds import UNKNOWN, ParseError, is_blank, neutralise, table_text, unneutralise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CellError = ParseError  # a cell's content cannot be read as the field's type; the message is for people

__all__ = ["CellError", "FORMULA_START", "from_cell", "is_blank", "is_number_cell", "neutralise",
           "table_text", "to_text", "to_typed", "unneutralise"]


def to_text(f: Field | None, value: Any) -> str:
    """A field value as CSV text (not yet neutralised; numbers stay plain numbers)."""
    return (f.type if f is not None else UNKNOWN).export_text(f, value)


def is_number_cell(f: Field | None, value: Any) -> bool:
    """True for a value written as a bare number (never neutralised: -5 stays -5)."""
    return (f is not None and f.numeric and isinstance(value, (int, float))
            and not isinstance(value, bool))


def to_typed(f: Field | None, value: Any) -> Any:
    """A field value as an XLSX cell value: dates as dates, numbers as numbers, else text."""
    return (f.type if f is not None else UNKNOWN).export_typed(f, value)


def from_cell(f: Field, value: Any, csv: bool = True) -> Any:
    """One cell as the field's JSON value; None for an empty cell; CellError when unreadable."""
    return f.type.from_cell(f, value, csv)
