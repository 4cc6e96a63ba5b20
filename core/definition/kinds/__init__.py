"""One class per field kind, each owning everything that depends on the kind.

How a kind is recognised in a definition, its SQL expression, how typed text (a query
string, a form, a spreadsheet cell) becomes a value, how a value is shown and exported,
and which form widget it gets. Adding a kind touches this package and its tests only.
"""
from core.definition.kinds.base import (KINDS, OPS, UNKNOWN, Kind, ParseError, example_object, is_blank, kind_of,
                   neutralise, say, show, stored_object, unneutralise)
from core.definition.kinds import text, dates, numbers, yesno, compound, files  # noqa: F401  (registers the kinds, in recognition order)
from core.definition.kinds.compound import table_text
from core.definition.kinds.yesno import FALSE_WORDS, TRUE_WORDS

__all__ = ["KINDS", "OPS", "UNKNOWN", "Kind", "ParseError", "example_object", "is_blank", "kind_of",
           "neutralise", "say", "show", "stored_object", "unneutralise", "table_text", "TRUE_WORDS", "FALSE_WORDS"]
