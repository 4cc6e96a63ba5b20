"""Values an entry keeps for fields its current definition no longer declares (retired fields).

An update may repeat them unchanged but not change them: they are set aside before the entry
is validated against the current fields, and put back where they were after.
"""
from __future__ import annotations

from core.definition.model import Field


def retired_parts(fields: tuple[Field, ...], old: dict) -> dict:
    """What `old` holds that `fields` no longer declare: a retired field's value under its key;
    under a group that remains, a dict of that group's retired sub-values."""
    by_key, out = {f.key: f for f in fields}, {}
    for k, v in old.items():
        f = by_key.get(k)
        if f is None:
            out[k] = v
        elif f.type.fieldset and isinstance(v, dict) and (inner := retired_parts(f.children, v)):
            out[k] = inner
    return out


def without_retired(fields: tuple[Field, ...], new: dict, retired: dict) -> dict:
    """`new` less the retired values it repeats unchanged (the validator knows only current fields)."""
    by_key, out = {f.key: f for f in fields}, dict(new)
    for k, v in retired.items():
        f = by_key.get(k)
        if f is None:
            if out.get(k, object()) == v:
                del out[k]
        elif isinstance(out.get(k), dict):
            out[k] = without_retired(f.children, out[k], v)
    return out


def with_retired(fields: tuple[Field, ...], checked: dict, retired: dict) -> dict:
    """Validated `checked` with the retired values put back where they were."""
    by_key, out = {f.key: f for f in fields}, dict(checked)
    for k, v in retired.items():
        f = by_key.get(k)
        if f is None:
            out[k] = v
        else:
            group = out.get(k)
            out[k] = with_retired(f.children, group if isinstance(group, dict) else {}, v)
    return out
