"""Scheduled work inside the server (core/jobs/schedule.py): each task once per slot however
many workers or hosts share the database; the daily backup kept BACKUP_KEEP_DAYS days."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from app import create_app, scheduled_tasks
from core.db import backup
from core.db.models import Database
from core.jobs import schedule
from core.jobs.schedule import Task
from tests.conftest import APP_CONFIG

MORNING = dt.datetime(2026, 12, 3, 9, 30)


def counting(name: str = "count", at: dt.time = dt.time(2, 0)):
    calls = []
    return Task(name, at, lambda today: calls.append(today) or f"第 {len(calls)} 次"), calls


def test_a_task_is_due_from_its_time_of_day_once_per_day(db):
    task, calls = counting(at=dt.time(9, 0))
    assert schedule.run_due(db, [task], now=MORNING.replace(hour=8, minute=59)) == []
    ran = schedule.run_due(db, [task], now=MORNING)
    assert ran == [{"task": "count", "slot": "2026-12-03", "outcome": "done", "detail": "第 1 次"}]
    assert schedule.run_due(db, [task], now=MORNING.replace(hour=23)) == []
    assert schedule.run_due(db, [task], now=MORNING + dt.timedelta(days=1))[0]["slot"] == "2026-12-04"
    assert calls == [dt.date(2026, 12, 3), dt.date(2026, 12, 4)]


def test_of_many_workers_and_hosts_exactly_one_runs_a_slot(database_url):
    """Eight schedulers on their own engines (workers, hosts) wake at once: one run."""
    task, calls = counting()
    engines = [Database(database_url) for _ in range(8)]
    gate = threading.Barrier(len(engines))

    def wake(engine, host):
        gate.wait()
        schedule.run_due(engine, [task], now=MORNING, host=host)

    threads = [threading.Thread(target=wake, args=(e, f"host{i}")) for i, e in enumerate(engines)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in engines:
        e.dispose()
    assert len(calls) == 1


def test_a_failing_task_is_recorded_and_the_others_still_run(db):
    def broken(today):
        raise RuntimeError("磁盘已满")

    good, calls = counting("good")
    ran = schedule.run_due(db, [Task("broken", dt.time(0, 0), broken), good], now=MORNING)
    assert [(r["task"], r["outcome"]) for r in ran] == [("broken", "failed"), ("good", "done")]
    assert "磁盘已满" in ran[0]["detail"] and len(calls) == 1
    assert {r["task"]: r["outcome"] for r in schedule.recent_runs(db)} == {"broken": "failed", "good": "done"}


def test_the_daily_backup_is_written_once_and_old_ones_go(app, db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in ("2026-11-01", "2026-11-19", "2026-11-20"):
        (folder / f"ledger-{day}.backup").write_text("old")
    (folder / "ledger-mine.backup").write_text("not a daily one")
    today = dt.date(2026, 12, 3)
    said = backup.daily(db, folder, None, 14, today)
    assert "已备份到" in said and "删除 2 个过期备份" in said
    assert sorted(p.name for p in folder.iterdir()) == [
        "ledger-2026-11-20.backup", "ledger-2026-12-03.backup", "ledger-mine.backup"]
    assert "已存在" in backup.daily(db, folder, None, 14, today)


def test_the_server_schedules_the_daily_backup_as_configured(database_url, tmp_path):
    app = create_app({**APP_CONFIG, "DATABASE_URL": database_url, "BACKUP_DIR": str(tmp_path / "b"),
                      "BACKUP_AT": "00:00"})
    try:
        tasks = scheduled_tasks(app, app.extensions["ledger_db"])
        assert [(t.name, t.at) for t in tasks] == [("rounds_repeat", dt.time(0, 5)), ("daily_backup", dt.time(0, 0))]
        result = app.test_cli_runner().invoke(args=["schedule", "run"])
        assert result.exit_code == 0 and "daily_backup" in result.output
        assert len(list((tmp_path / "b").glob("ledger-*.backup"))) == 1
        assert "没有到期的任务" in app.test_cli_runner().invoke(args=["schedule", "run"]).output
    finally:
        app.extensions["ledger_db"].dispose()
    off = create_app({**APP_CONFIG, "DATABASE_URL": database_url, "BACKUP_DAILY": False})
    assert [t.name for t in scheduled_tasks(off, off.extensions["ledger_db"])] == ["rounds_repeat"]
    off.extensions["ledger_db"].dispose()
    with pytest.raises(ValueError, match="BACKUP_AT"):
        bad = create_app({**APP_CONFIG, "DATABASE_URL": database_url, "BACKUP_AT": "2点"})
        scheduled_tasks(bad, bad.extensions["ledger_db"])


def test_the_scheduler_thread_runs_due_tasks_and_stops(db):
    task, calls = counting(at=dt.time(0, 0))
    thread = schedule.Scheduler(db, [task], interval=0.05)
    thread.start()
    try:
        for _ in range(100):
            if calls:
                break
            threading.Event().wait(0.05)
    finally:
        thread.stop()
        thread.join(timeout=5)
    assert len(calls) == 1 and not thread.is_alive()
