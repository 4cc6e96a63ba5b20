"""What the designer's script knows about kinds and conditions, taken from core so that it is never
written a second time in JavaScript: the field kinds of core/definition/kinds (in the engine's
order, with their properties and the condition operators each accepts) and the operators of
`field__op` conditions (core's OPS) with their labels in the page's language."""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l

from core.definition.kinds import KINDS, OPS

# The label of each of core's operators; tests/web/test_designer.py fails when core adds one.
OP_LABELS = {"eq": _l("等于"), "ne": _l("不等于"), "lt": _l("小于"), "lte": _l("不大于"), "gt": _l("大于"),
             "gte": _l("不小于"), "contains": _l("包含"), "in": _l("属于（逗号分隔）"),
             "nin": _l("不属于（逗号分隔）")}
LIST_OPS = ("in", "nin")  # their value is a list (typed with commas)
FLAGS = ("scalar", "numeric", "is_date", "is_day", "searchable", "business_key", "multiple", "rows", "fieldset")


def designer_catalogue() -> dict:
    """{"kinds": [...], "ops": [...]} as the page embeds it (static/js/designer/catalogue.js reads it)."""
    kinds = [{"name": name, "label": _(kind.label), **{flag: bool(getattr(kind, flag)) for flag in FLAGS},
              "rule_ops": list(kind.rule_ops), "query_ops": list(kind.query_ops)}
             for name, kind in KINDS.items()]
    ops = [{"op": op, "label": str(OP_LABELS.get(op, op)), "many": op in LIST_OPS} for op in OPS]
    return {"kinds": kinds, "ops": ops}
