"""Reading a definition: checked (core/definition/checks.py), then turned into its field model.

What every reader of a definition calls, whether it comes from a request, a file or the database.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from core.errors import DefinitionError
from core.definition.checks import check_definition
from core.definition.model import Definition, field_model


def load_definition(document: Any, version: int = 0, stored: bool = False) -> Definition:
    """Check a definition document and return its field model, or raise DefinitionError.

    `stored`: a version read back from the database, checked when it was saved. A rule or display
    condition of it that no longer reads (the code reading it changed, the row was edited by hand)
    is then left out where it applies, and named by core/definition/rules.stored_rule_problems, instead of
    making the whole ledger unreadable; anything else wrong still raises."""
    errors = [e for e in check_definition(document) if not (stored and _rule_part(e["path"]))]
    if errors:
        raise DefinitionError("台帐定义有误", errors)
    document = copy.deepcopy(document)
    fields = tuple(field_model(document, document, 1))
    return Definition(document["x-ledger"]["key"], document["title"], document, fields, version)


def _rule_part(path: str) -> bool:
    """A problem inside `x-ledger.rules` or an `x-show-when` (what rules_of and show_when skip)."""
    return path == "/x-ledger/rules" or path.startswith("/x-ledger/rules/") or "/x-show-when" in path


def load_definition_file(path: str | Path) -> Definition:
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DefinitionError("台帐定义不是有效的 UTF-8 JSON", [{"path": "", "message": f"无法解析：{exc}"}])
    return load_definition(document)
