"""Entry data along a definition's field tree: the one walk for code that goes over an entry's
values field by field (a group's value is an object, a table's a list of object rows).

One rule for every caller: a field with sub-fields is entered where its value has their shape,
an object as it is, a list row by row (rows that are not objects are passed over), whatever the
field's kind says (old entries may hold an earlier version's shape). Keys no field declares are
passed over unless asked for. Paths are keys and row indexes from the entry down.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from core.definition.model import Field

Path = tuple  # of str (keys) and int (row indexes)


def walk(fields: Iterable[Field], data: Any, undeclared: bool = False,
         path: Path = ()) -> Iterator[tuple[Path, Field | None, Any]]:
    """(path, field, value) for every value `data` holds under a declared field, depth first in
    the data's order (a value before what it holds); with `undeclared`, also (path, None, value)
    for each key no field declares there (never entered)."""
    if not isinstance(data, dict):
        return
    by_key = {f.key: f for f in fields}
    for key, value in data.items():
        f, here = by_key.get(key), (*path, key)
        if f is None:
            if undeclared:
                yield here, None, value
            continue
        yield here, f, value
        if not f.children:
            continue
        if isinstance(value, dict):
            yield from walk(f.children, value, undeclared, here)
        elif isinstance(value, list):
            for i, row in enumerate(value):
                yield from walk(f.children, row, undeclared, (*here, i))


def inside(f: Field, value: Any, rebuild: Callable[[tuple[Field, ...], dict], Any]) -> Any:
    """`value` one step down the tree rebuilt: `rebuild(f.children, obj)` for the object it is
    or for each object row of its list (other rows as they are); any other value unchanged."""
    if not f.children:
        return value
    if isinstance(value, dict):
        return rebuild(f.children, value)
    if isinstance(value, list):
        return [rebuild(f.children, row) if isinstance(row, dict) else row for row in value]
    return value


def along(fields: Iterable[Field], path: Iterable[Any]) -> list[Field]:
    """The fields the keys of a data path name, from the entry down (row indexes skipped); it
    stops at the first key no field declares there."""
    found, current = [], tuple(fields)
    for part in path:
        if isinstance(part, int):
            continue
        match = next((f for f in current if f.key == part), None)
        if match is None:
            break
        found.append(match)
        current = match.children
    return found


def keys_of(path: Path) -> tuple[str, ...]:
    """A data path's keys without its row indexes: the field path it lies on."""
    return tuple(p for p in path if not isinstance(p, int))
