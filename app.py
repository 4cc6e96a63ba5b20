"""create_app(): configuration, the database, blueprints, error handlers and the CLI.

Run with `gunicorn 'app:create_app()'` or `flask --app app run`; see README.md.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import sys
import time
from pathlib import Path

import click
from flask import Flask, g, request
from werkzeug.routing import IntegerConverter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

import cli
from api import bp as api_bp
from core import settings
from core.access import accounts
from core.db import backup, bootstrap
from core.jobs import schedule
from core.rounds import rounds
from core.db.models import Base, Database, engine_options, normalise_url
from web import csrf, init_web

ROOT = Path(__file__).resolve().parent
MIGRATIONS = ROOT / "migrations"
log = logging.getLogger("ledger")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"))
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'ledger.db'}",
        SCHEMAS_DIR=str(ROOT / "schemas"),
        LOAD_SHIPPED_LEDGERS=True,
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
        MAX_JSON_BYTES=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE") == "1",
        SETUP_HINT=os.environ.get("SETUP_HINT") != "0",
        TRUSTED_PROXIES=os.environ.get("TRUSTED_PROXIES") or "",  # e.g. 127.0.0.1: see README.md
        SESSION_IDLE_MINUTES=int(os.environ.get("SESSION_IDLE_MINUTES") or 120),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        TIMEZONE=os.environ.get("LEDGER_TIMEZONE") or settings.DEFAULT_TIMEZONE,
        # Work the server does by itself (core/jobs/schedule.py); off under test.
        SCHEDULER=os.environ.get("SCHEDULER", "1") != "0",
        BACKUP_DAILY=os.environ.get("BACKUP_DAILY", "1") != "0",
        BACKUP_DIR=os.environ.get("BACKUP_DIR") or "",  # default: instance/backups
        BACKUP_KEEP_DAYS=int(os.environ.get("BACKUP_KEEP_DAYS") or 14),
        BACKUP_AT=os.environ.get("BACKUP_AT") or "02:00",
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):  # Flask's default is None, so setdefault would never fire
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _secret_key(Path(app.instance_path))
    settings.set_timezone(app.config["TIMEZONE"])  # naive input and every shown time; one per process
    app.json.sort_keys = False  # field order is the definition's order, everywhere
    app.json.ensure_ascii = False
    # Jinja's `tojson` passes sort_keys=True unless told otherwise (the designer's embedded state)
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}

    db = _init_database(app)
    _one_read_transaction_per_request(app, db)
    _request_log(app)
    _scheduled_work(app, db)
    bootstrap.prepare(db, MIGRATIONS, app.config["SCHEMAS_DIR"] if app.config["LOAD_SHIPPED_LEDGERS"] else None)
    # The set-up address, once: `flask init` prints it itself (run.py serve runs it, then starts
    # gunicorn with SETUP_HINT=0, so its workers do not repeat it).
    command = click.get_current_context(silent=True)
    if (app.config["SETUP_HINT"] and not app.testing and (command is None or command.info_name == "run")
            and accounts.user_count(db) == 0):
        app.logger.warning(bootstrap.first_admin_hint(accounts.setup_code(app.config["SECRET_KEY"])))

    app.url_map.converters["int"] = AsciiIntConverter  # before any route is added
    app.register_blueprint(api_bp)
    init_web(app)
    csrf.exempt(api_bp)  # token-authenticated; a browser session may only read there
    cli.register(app)
    return app


class AsciiIntConverter(IntegerConverter):
    """`<int:…>` in a route: ASCII digits only (Werkzeug's own also takes "١٤٧"), as core/ids reads ids."""

    regex = r"[0-9]+"


def _init_database(app: Flask) -> Database:
    """Flask-SQLAlchemy builds the one engine, with core's options and metadata; core's Database
    wraps that engine (SQLite pragmas, BEGIN IMMEDIATE), so the app and `flask db` share a pool."""
    url = normalise_url(app.config["DATABASE_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    sqla = SQLAlchemy(metadata=Base.metadata)
    sqla.init_app(app)
    Migrate(app, sqla, directory=str(MIGRATIONS))
    with app.app_context():
        db = Database(sqla.engine)
    app.extensions["ledger_db"] = db
    return db


def _one_read_transaction_per_request(app: Flask, db: Database) -> None:
    """A request's reads share one transaction and one memo (core/db/models.py Database.request):
    the entry page's user, ledger, rules, entry and history are read in one snapshot."""
    @app.before_request
    def begin_reads():
        g.request_reads = db.request()
        g.request_reads.__enter__()

    @app.teardown_request
    def end_reads(_exc=None):
        reads = g.pop("request_reads", None)
        if reads is not None:
            reads.__exit__(None, None, None)


def scheduled_tasks(app: Flask, db: Database) -> list[schedule.Task]:
    """What the server does by itself each day: the next round of every repeating 催报 whose
    due date has passed, and the daily backup, kept BACKUP_KEEP_DAYS."""
    tasks = [schedule.Task("rounds_repeat", dt.time(0, 5),
                           lambda today: f"已开启 {len(rounds.open_due_repeats(db, today))} 轮催报")]
    if app.config["BACKUP_DAILY"]:
        folder = Path(app.config["BACKUP_DIR"] or Path(app.instance_path) / "backups")
        files = Path(app.config.get("FILES_DIR") or Path(app.instance_path) / "files")
        templates = Path(app.instance_path) / "templates"
        keep = app.config["BACKUP_KEEP_DAYS"]
        try:
            at = dt.time.fromisoformat(app.config["BACKUP_AT"])
        except ValueError:
            raise ValueError(f"BACKUP_AT 应为 HH:MM，例如 02:00（现为 {app.config['BACKUP_AT']!r}）") from None
        tasks.append(schedule.Task("daily_backup", at,
                                   lambda today: backup.daily(db, folder, files, keep, today, templates)))
    return tasks


def _scheduled_work(app: Flask, db: Database) -> None:
    """One scheduler thread per worker process, started by its first request (after gunicorn
    forked it: a thread started before the fork would not survive into the workers)."""
    if app.testing or not app.config["SCHEDULER"]:
        return
    tasks = scheduled_tasks(app, db)
    started: dict[int, schedule.Scheduler] = {}

    @app.before_request
    def start_scheduler():
        if os.getpid() not in started and tasks:
            started[os.getpid()] = schedule.Scheduler(db, tasks)
            started[os.getpid()].start()


REQUEST_LOG = logging.getLogger("ledger.requests")


def _request_log(app: Flask) -> None:
    """One JSON line per request on stderr: method, path, status, time, user. The path only:
    query strings may carry the set-up code or a search; headers (tokens, cookies) never."""
    if not app.testing and not REQUEST_LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        REQUEST_LOG.addHandler(handler)
        REQUEST_LOG.setLevel(logging.INFO)
        REQUEST_LOG.propagate = False

    @app.before_request
    def start_clock():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        if REQUEST_LOG.isEnabledFor(logging.INFO):
            # the API's caller, or the page's signed-in user if this request loaded one (Flask-Login
            # keeps it in g): never a load of its own, so a static file costs no query
            signed_in = g.get("_login_user")
            actor = g.get("actor") or (signed_in.actor if getattr(signed_in, "is_authenticated", False) else None)
            REQUEST_LOG.info(json.dumps({
                "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
                "method": request.method, "path": request.path, "status": response.status_code,
                "ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
                "user": actor.name if actor else None, "ip": request.remote_addr,
            }, ensure_ascii=False))
        return response


def _secret_key(instance: Path) -> str:
    """A key kept in instance/, made once, so every worker and restart signs sessions alike."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key
