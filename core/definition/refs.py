"""`$ref`s inside a ledger definition: only local ones, none dangling, none in a cycle.

A reference that leads back to itself (directly, through `$defs`, or `"$ref": "#"`) sends
the entry validator into endless recursion on every write, so it is refused with the
definition. The walks here are iterative: a hostile document must not blow the stack.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from core.ids import plain_int

MAX_WALK_DEPTH = 64
UNSUPPORTED = ("$id", "$dynamicRef", "$recursiveRef")


def escape(part: Any) -> str:
    """One JSON pointer step."""
    return str(part).replace("~", "~0").replace("/", "~1")


def follow(root: Any, ref: str) -> Any:
    """The value a local reference (`#` or `#/...`) names, or None when there is none."""
    if ref == "#":
        return root
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and (index := plain_int(part)) is not None and index < len(node):
            node = node[index]
        else:
            return None
    return node


def is_local(ref: Any) -> bool:
    return isinstance(ref, str) and (ref == "#" or ref.startswith("#/"))


def resolve(root: dict, schema: Any, skip: frozenset = frozenset()) -> tuple[Any, str | None]:
    """(schema after following its `$ref` chain, None), or (schema, the ref that cannot be followed).

    `skip` holds references known to be cyclic: the field walks must not follow them.
    """
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    for _ in range(8):
        if ref is None:
            return schema, None
        target = follow(root, ref) if is_local(ref) and ref not in skip else None
        if target is None:
            return schema, ref
        schema = target
        ref = schema.get("$ref") if isinstance(schema, dict) else None
    return None, ref  # a chain longer than any definition needs


def check_refs(root: dict) -> tuple[list[dict], frozenset]:
    """Every problem of the document's references, and the set of references that are cyclic."""
    problems = list(_check_each(root))
    cyclic = cyclic_refs(root)
    problems += [{"path": pointer + "/$ref", "message": f"循环引用：“{ref}”经过引用又回到自身，校验时会无限递归"}
                 for pointer, ref in cyclic]
    return problems, frozenset(ref for _, ref in cyclic)


def _check_each(root: dict) -> Iterator[dict]:
    for pointer, node in _containers(root).items():
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if ref is not None and not is_local(ref):
            yield {"path": pointer + "/$ref", "message": f"只允许引用本文档内的定义（如 #/$defs/名称），不能引用“{ref}”"}
        elif ref is not None and follow(root, ref) is None:
            yield {"path": pointer + "/$ref", "message": f"引用“{ref}”在本文档中不存在"}
        for key in UNSUPPORTED:
            if key in node and pointer:
                yield {"path": f"{pointer}/{key}", "message": f"不支持 {key}"}


def cyclic_refs(root: dict) -> list[tuple[str, str]]:
    """(pointer of the object holding the `$ref`, the ref) for each reference on a cycle.

    The graph: each object or array points at its children, each `$ref` at its target. The
    tree alone has no cycle, so a cycle here is a chain of references (each found inside the
    previous one's target) that returns to where it began; an edge lies on a cycle exactly
    when both its ends are in the same strongly connected component.
    """
    nodes = _containers(root)
    targets = {pointer: target for pointer, node in nodes.items()
               if (target := _target_pointer(root, node)) is not None and target in nodes}

    def successors(pointer: str) -> Iterable[str]:
        node = nodes[pointer]
        items = node.items() if isinstance(node, dict) else enumerate(node)
        children = (f"{pointer}/{escape(k)}" for k, v in items if isinstance(v, (dict, list)))
        return [*children, targets[pointer]] if pointer in targets else children

    component = _components(nodes, successors)
    return [(pointer, nodes[pointer]["$ref"]) for pointer, target in targets.items()
            if component[pointer] == component[target]]


def _target_pointer(root: dict, node: Any) -> str | None:
    """The canonical pointer of what a `$ref` names (so "#/a/0" and a list index compare equal)."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not is_local(ref) or follow(root, ref) is None:
        return None
    pointer, value = "", root
    for part in ([] if ref == "#" else ref[2:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[int(part)] if isinstance(value, list) else value[part]
        pointer += "/" + escape(part)
    return pointer


def _containers(root: Any) -> dict[str, Any]:
    """Every object and array of the document by JSON pointer, in document order."""
    found: dict[str, Any] = {}
    stack = [("", root, 0)]
    while stack:
        pointer, node, depth = stack.pop()
        found[pointer] = node
        if depth >= MAX_WALK_DEPTH:
            continue
        items = list(node.items() if isinstance(node, dict) else enumerate(node))
        stack.extend((f"{pointer}/{escape(k)}", v, depth + 1) for k, v in reversed(items)
                     if isinstance(v, (dict, list)))
    return found


def _components(nodes: Iterable[str], successors: Callable[[str], Iterable[str]]) -> dict[str, int]:
    """Tarjan's strongly connected components, without recursion: node -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(successors(node))))

    for start in nodes:
        if start in index:
            continue
        work: list = []
        enter(start)
        while work:
            node, pending = work[-1]
            nxt = next(pending, None)
            if nxt is not None:
                if nxt not in index:
                    enter(nxt)
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = index[node]
                    if member == node:
                        break
    return component
