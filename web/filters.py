"""The list page's filter form as list parameters, and back (a plain GET form, no JavaScript).

A choice filter is a set of checkboxes named `<field>__in`, one per choice, and a toggle
`_not=<field>` (排除所选). Browsers send the ticked boxes as repeated parameters; they are
folded into one parameter of the query language: one choice -> `field=v` (or `field__ne=v`
excluded), several -> `field__in=a,b` (or `field__nin=a,b`). Links written by hand
(`?status__in=交办,办理中`) mean the same, and the form shows the choices ticked again.
"""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from core.definition.model import Definition

UI_ARGS = ("lang", "_not")
SET_OPS = ("in", "nin")


def list_args(raw: MultiDict) -> MultiDict:
    """The query string minus empty boxes and interface-only parameters, choice boxes folded."""
    excluded = {v for v in raw.getlist("_not") if v}
    picked: dict[str, list[str]] = {}
    out: list[tuple[str, str]] = []
    for name, value in raw.items(multi=True):
        if value.strip() == "" or name in UI_ARGS:
            continue
        key, _, op = name.partition("__")
        if op in SET_OPS and not key.startswith("_"):
            if key not in picked:
                picked[key] = []
                out.append((key, ""))  # placeholder: keeps the parameter's place
            picked[key] += [(v.strip(), op) for v in value.split(",") if v.strip()]
            continue
        out.append((name, value))
    folded = MultiDict()
    for name, value in out:
        if name in picked:
            values = list(dict.fromkeys(v for v, _ in picked[name]))
            negate = name in excluded or any(op == "nin" for _, op in picked[name])
            if len(values) == 1:
                folded.add(f"{name}__ne" if negate else name, values[0])
            elif values:
                folded.add(f"{name}__nin" if negate else f"{name}__in", ",".join(values))
        else:
            folded.add(name, value)
    return folded


def choice_state(definition: Definition, args: MultiDict) -> dict[str, tuple[set[str], bool]]:
    """{field key: (ticked choices, excluded?)} for every choice filter, from folded args."""
    state = {}
    for f in definition.filters:
        if not f.choices or "nin" not in f.type.query_ops:
            continue
        if args.get(f.key) is not None:
            state[f.key] = ({args[f.key]}, False)
        elif args.get(f"{f.key}__ne") is not None:
            state[f.key] = ({args[f"{f.key}__ne"]}, True)
        elif args.get(f"{f.key}__in") is not None:
            state[f.key] = (set(args[f"{f.key}__in"].split(",")), False)
        elif args.get(f"{f.key}__nin") is not None:
            state[f.key] = (set(args[f"{f.key}__nin"].split(",")), True)
        else:
            state[f.key] = (set(), False)
    return state
