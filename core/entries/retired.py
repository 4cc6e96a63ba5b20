"""Values an entry keeps for fields its current definition no longer declares (retired fields).

An update may repeat them unchanged but not change them: they are set aside before the entry
is validated against the current fields, and put back where they were after. Only groups are
looked into (a table's rows are replaced whole by an update).
"""
from __future__ import annotations

from typing import Any

from core.definition.model import Field
from core.definition.tree import along, walk


def retired_parts(fields: tuple[Field, ...], old: dict) -> dict:
    """What `old` holds that `fields` no longer declare: a retired field's value under its key;
    under a group that remains, a dict of that group's retired sub-values."""
    out: dict = {}
    for path, f, value in walk(fields, old, undeclared=True):
        if f is None and _in_groups(fields, path):
            _put(out, path, value)
    return out


def without_retired(fields: tuple[Field, ...], new: dict, retired: dict) -> dict:
    """`new` less the retired values it repeats unchanged (the validator knows only current fields)."""
    out = dict(new)
    for path, f, value in walk(fields, retired, undeclared=True):
        if f is not None:
            continue
        group = _copied_group(out, path[:-1])
        if group is not None and group.get(path[-1], object()) == value:
            del group[path[-1]]
    return out


def with_retired(fields: tuple[Field, ...], checked: dict, retired: dict) -> dict:
    """Validated `checked` with the retired values put back where they were."""
    out = dict(checked)
    for path, f, value in walk(fields, retired, undeclared=True):
        if f is None:
            _put(out, path, value)
        else:  # a group that holds retired values: there again, as an object
            _put(out, path, dict(_at(out, path)) if isinstance(_at(out, path), dict) else {})
    return out


def _in_groups(fields: tuple[Field, ...], path: tuple) -> bool:
    """Whether an undeclared key's path runs through groups only (no table rows)."""
    parents = along(fields, path[:-1])
    return len(parents) == len(path) - 1 and all(f.type.fieldset for f in parents)


def _at(data: dict, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data.get(path[-1])


def _put(data: dict, path: tuple, value: Any) -> None:
    """Set `value` at `path`, making the objects on the way (a parent is a dict of our own by then)."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _copied_group(out: dict, path: tuple) -> dict | None:
    """The object at `path` in `out`, copied on the way so `new` is left as it was; None where
    `new` holds no object there."""
    for part in path:
        inner = out.get(part)
        if not isinstance(inner, dict):
            return None
        out[part] = out = dict(inner)
    return out
