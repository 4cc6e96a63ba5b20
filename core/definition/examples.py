"""An example entry for any definition, made from its own schema (templates, tests, docs).

Values come from the schema itself: `examples`, then `default`, then the first choice, then a
value of the field's kind within its bounds. A text field with a `pattern` and no `examples`
cannot be invented, so it is left out when optional.
"""
from __future__ import annotations

from typing import Any

from core.definition.model import Definition, Field
from core.definition.kinds import example_object


def example_entry(definition: Definition, full: bool = True) -> dict:
    """A valid entry: every field when `full`, else only the required ones."""
    return example_object(definition.fields, full)


def example_value(f: Field, full: bool = True) -> Any:
    return f.type.example(f, full)
