"""Scheduled work inside the server: no cron to set up, once per cluster.

Every worker process runs a `Scheduler` thread that wakes each minute and asks which tasks
are due. A task is due once per slot (a local day, from its time of day on); the worker that
first inserts the (task, slot) row of `scheduled_runs` runs it and the others see the row
and pass, so with several workers, or several hosts on one PostgreSQL, each slot runs once.
A run that dies half-way stays `running` for its slot; the next slot runs anew.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.db.models import Database, scheduled_runs
from core.settings import local_zone

log = logging.getLogger("ledger.schedule")
HOST = f"{socket.gethostname()}:{os.getpid()}"[:128]


@dataclass(frozen=True)
class Task:
    """A daily task: due from `at` (local time) on; `run` returns a line saying what it did."""

    name: str
    at: dt.time
    run: Callable[[dt.date], str]


def due_slot(task: Task, now: dt.datetime) -> str | None:
    """The slot `task` is due for at local time `now` (its day), or None before its time."""
    return now.date().isoformat() if now.time() >= task.at else None


def run_due(db: Database, tasks: list[Task], now: dt.datetime | None = None, host: str = HOST) -> list[dict]:
    """Run each task due now whose slot no one has claimed; what ran, with its outcome."""
    now = now or dt.datetime.now(local_zone())
    ran = []
    for task in tasks:
        slot = due_slot(task, now)
        if slot is None or not _claim(db, task.name, slot, host):
            continue
        try:
            detail, outcome = task.run(now.date()), "done"
        except Exception as exc:  # a failed task is recorded and logged, never the scheduler's end
            log.exception("scheduled task %s (%s) failed", task.name, slot)
            detail, outcome = f"{type(exc).__name__}: {exc}"[:2000], "failed"
        _finish(db, task.name, slot, outcome, detail)
        ran.append({"task": task.name, "slot": slot, "outcome": outcome, "detail": detail})
    return ran


def _claim(db: Database, task: str, slot: str, host: str) -> bool:
    try:
        with db.write() as conn:
            conn.execute(scheduled_runs.insert().values(
                task=task, slot=slot, host=host, started_at=dt.datetime.now(dt.timezone.utc), outcome="running"))
    except IntegrityError:
        return False
    return True


def _finish(db: Database, task: str, slot: str, outcome: str, detail: str) -> None:
    with db.write() as conn:
        conn.execute(update(scheduled_runs)
                     .where(scheduled_runs.c.task == task, scheduled_runs.c.slot == slot)
                     .values(outcome=outcome, detail=detail, finished_at=dt.datetime.now(dt.timezone.utc)))


def recent_runs(db: Database, limit: int = 20) -> list[dict]:
    """The latest runs, newest first (the CLI's `schedule list`)."""
    with db.read() as conn:
        rows = conn.execute(select(scheduled_runs).order_by(scheduled_runs.c.started_at.desc())
                            .limit(limit)).all()
    return [dict(r._mapping) for r in rows]


class Scheduler(threading.Thread):
    """The per-process thread: wakes every `interval` seconds and runs what is due."""

    def __init__(self, db: Database, tasks: list[Task], interval: float = 60.0):
        super().__init__(name="ledger-scheduler", daemon=True)
        self.db, self.tasks, self.interval = db, tasks, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                run_due(self.db, self.tasks)
            except Exception:  # the database away for a moment: try again at the next wake
                log.exception("scheduler: could not check the due tasks")

    def stop(self) -> None:
        self.stopped.set()
