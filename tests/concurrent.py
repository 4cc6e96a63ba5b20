"""Run calls in threads released at the same moment: the shape every concurrency test needs."""
from __future__ import annotations

import threading
from typing import Any, Callable


def together(calls: list[Callable[[], Any]], timeout: float = 180) -> list[Any]:
    """Start every call at once; return each one's result, or the exception it raised, in order."""
    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[i] = call()
        except BaseException as exc:  # noqa: BLE001 - the test judges every outcome
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes


def failures(outcomes: list[Any]) -> list[BaseException]:
    return [o for o in outcomes if isinstance(o, BaseException)]
