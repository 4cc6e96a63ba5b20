"""`flask --app app ...` commands: thin calls into core/, engine errors shown as one clean line."""
from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

import demo
from demo.files import with_demo_files
from core.access import accounts
from core.access import audit
from core.db import backup
from core.db import bootstrap
from core.entries import definitions
from core.jobs import schedule
from core.tabular import importer
from core.entries import query
from core.entries import store
from core.rounds import rounds
from core.tabular import export as tabular
from core.access import units
from core.access.policy import ROLES, SYSTEM
from core.files import cleanup
from core.files.storage import Blobs
from core.errors import DefinitionError, LedgerError, NotFound
from core.db.models import Database

users_cli = AppGroup("users", help="用户与 API 令牌")
ledgers_cli = AppGroup("ledgers", help="台帐定义、导出与导入")
audit_cli = AppGroup("audit", help="审计记录")
units_cli = AppGroup("units", help="单位（组织机构）")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
schedule_cli = AppGroup("schedule", help="服务器自行执行的定时任务（每日备份等）")
backup_cli = AppGroup("backup", help="备份与恢复（数据库、上传的文件与审计链）")
files_cli = AppGroup("files", help="附件文件")
rounds_cli = AppGroup("rounds", help="催报")


def db() -> Database:
    return current_app.extensions["ledger_db"]


def clean_errors(command):
    """Turn the engine's named errors into a message on stderr and exit status 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except LedgerError as exc:
            click.echo(f"错误：{exc.message}", err=True)
            for error in exc.errors:
                where = error.get("path") or error.get("field") or ""
                click.echo(f"  {where} {error.get('message', '')}".rstrip(), err=True)
            sys.exit(1)
    return wrapper


@click.command("init", help="建立或升级数据库，空库时载入内置台帐（每次启动时自动进行）")
@click.option("--url", default=None, help="服务的访问地址（尚无用户时打印的设置地址以它开头），默认按 HOST、PORT")
@with_appcontext
@clean_errors
def init_command(url):
    migrations = current_app.extensions["migrate"].directory
    bootstrap.prepare(db(), migrations, current_app.config["SCHEMAS_DIR"])
    revision = bootstrap.current_revision(db())
    click.echo(f"数据库就绪（结构版本 {revision}）：{len(query.list_ledgers(db(), SYSTEM))} 个台帐")
    if accounts.user_count(db()) == 0:
        click.echo(bootstrap.first_admin_hint(accounts.setup_code(current_app.config["SECRET_KEY"]), url))


@click.command("demo", help="为每个内置台帐填入示例数据（已有记录的台帐跳过，可重复运行）")
@with_appcontext
@clean_errors
def demo_command():
    for key in demo.LEDGER_KEYS:
        summary, _ = query.get_ledger(db(), SYSTEM, key)
        if summary["entry_count"]:
            click.echo(f"{key}: 已有 {summary['entry_count']} 条记录，跳过（示例数据只填入空台帐）")
            continue
        rows = demo.demo_entries(key)
        rows = with_demo_files(db(), Blobs.of_instance(current_app.instance_path, current_app.config.get("FILES_DIR")),
                               key, rows)
        store.create_entries(db(), SYSTEM, key, rows, source="demo")
        click.echo(f"{key}: {len(rows)} 条")


@users_cli.command("create", help="新建用户")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--unit", default=None, help="所属单位的标识（units create 时的 KEY）")
@clean_errors
def users_create(name, role, password, unit):
    accounts.create_user(db(), name, role, password, unit=unit)
    click.echo(f"已创建用户 {name}（{role}）" + (f"，单位 {unit}" if unit else ""))


@users_cli.command("unit", help="设置用户所属单位（不给 KEY：清除）")
@click.argument("name")
@click.argument("unit", required=False)
@clean_errors
def users_unit(name, unit):
    accounts.set_unit(db(), name, unit)
    click.echo(f"已将 {name} 的单位设为 {unit}" if unit else f"已清除 {name} 的单位")


@units_cli.command("create", help="新建单位（组织机构）")
@click.argument("key")
@click.option("--title", required=True, help="单位名称，如 秘书科（台帐中“承办单位”填的就是它）")
@click.option("--parent", default=None, help="上级单位的标识")
@click.option("--order", "order", type=int, default=None, help="同级排序（默认排在最后）")
@clean_errors
def units_create(key, title, parent, order):
    unit = units.create_unit(db(), SYSTEM, key, title, parent, order)
    click.echo(f"已创建单位 {unit['key']}（{unit['title']}）" + (f"，上级 {parent}" if parent else ""))


@units_cli.command("list", help="按层级列出单位")
def units_list():
    for unit in units.list_units(db()):
        click.echo(f"{'  ' * unit['depth']}{unit['key']}\t{unit['title']}")


@users_cli.command("token", help="为用户生成新的 API 令牌（只显示一次）")
@click.argument("name")
@clean_errors
def users_token(name):
    click.echo(accounts.issue_token(db(), name))


@users_cli.command("revoke-tokens", help="撤销用户的全部 API 令牌")
@click.argument("name")
@clean_errors
def users_revoke(name):
    click.echo(f"已撤销 {accounts.revoke_tokens(db(), name)} 个令牌")


@users_cli.command("list", help="列出用户")
def users_list():
    for user in accounts.list_users(db()):
        click.echo(f"{user['name']}\t{user['role']}\t{'启用' if user['active'] else '停用'}")


@users_cli.command("role", help="修改用户角色")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@clean_errors
def users_role(name, role):
    accounts.set_role(db(), name, role)
    click.echo(f"{name} 的角色已改为 {role}")


@users_cli.command("password", help="重设用户密码")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@clean_errors
def users_password(name, password):
    accounts.set_password(db(), name, password)
    click.echo(f"已重设 {name} 的密码")


@users_cli.command("disable", help="停用用户：其会话与 API 令牌立即失效")
@click.argument("name")
@clean_errors
def users_disable(name):
    accounts.set_active(db(), name, False)
    click.echo(f"已停用用户 {name}")


@users_cli.command("enable", help="重新启用用户")
@click.argument("name")
@clean_errors
def users_enable(name):
    accounts.set_active(db(), name, True)
    click.echo(f"已启用用户 {name}")


@ledgers_cli.command("load", help="载入或更新台帐定义（JSON 文件或目录）")
@click.argument("path", type=click.Path(exists=True))
@clean_errors
def ledgers_load(path):
    try:
        loaded = bootstrap.load_path(db(), SYSTEM, path)
    except DefinitionError as exc:
        exc.message = f"{path}：{exc.message}"
        raise
    for definition in loaded:
        click.echo(f"{definition.key}: 第 {definition.version} 版（{definition.title}）")


@ledgers_cli.command("list", help="列出台帐")
def ledgers_list():
    for ledger in query.list_ledgers(db(), SYSTEM):
        click.echo(f"{ledger['key']}\t{ledger['title']}\t第{ledger['version']}版\t{ledger['entry_count']} 条")



@ledgers_cli.command("export", help="导出台帐为 CSV（UTF-8 BOM）或 XLSX")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="输出文件（默认：台帐名称-日期.csv；- 表示标准输出）")
@click.option("--header", type=click.Choice(["title", "key"]), default="title", show_default=True,
              help="表头用字段标题或字段名")
@clean_errors
def ledgers_export(key, fmt, output, header):
    if fmt == "csv":
        definition, chunks = tabular.export_csv(db(), SYSTEM, key, header=header)
        target = output or tabular.download_name(definition, "csv")
        with click.open_file(target, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
    else:
        _, definition = query.get_ledger(db(), SYSTEM, key)
        target = output or tabular.download_name(definition, "xlsx")
        with click.open_file(target, "wb") as handle:
            tabular.export_xlsx(db(), SYSTEM, key, handle, header=header)
    if target != "-":
        click.echo(f"已导出到 {target}", err=True)


@ledgers_cli.command("import", help="从 CSV（UTF-8/GB18030）或 XLSX 导入记录：全部成功或全部不导入")
@click.argument("key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入")
@click.option("--upsert", is_flag=True, help="业务主键已存在的记录改为更新")
@click.option("--rejects", type=click.Path(dir_okay=False, writable=True),
              help="把有误的行连同错误说明写入此 CSV 文件")
@click.option("--user", help="记在修改历史中的导入人（已有用户名；默认 system）")
@clean_errors
def ledgers_import(key, file, dry_run, upsert, rejects, user):
    actor = SYSTEM
    if user:
        match = next((u for u in accounts.list_users(db()) if u["name"] == user and u["active"]), None)
        if match is None:
            raise NotFound(f"用户“{user}”不存在或已停用")
        actor = accounts.get_user(db(), match["id"])  # with its unit: the import obeys its scope
    options = importer.ImportOptions(dry_run=dry_run, upsert=upsert, filename=file)
    with open(file, "rb") as handle:
        report = importer.import_file(db(), actor, key, handle, options)
    for warning in report.warnings:
        click.echo(f"提示：{warning}", err=True)
    for error in report.errors:
        click.echo(f"第 {error['row']} 行 {error['message']}", err=True)
    if rejects and report.rejected:
        with open(rejects, "wb") as handle:
            handle.write(report.rejected_csv())
    done = f"新增 {report.created} 条，更新 {report.updated} 条"
    if not report.ok:
        click.echo(f"共 {report.total} 行，{report.invalid_rows} 行有误" +
                   ("（仅检查）" if dry_run else "，未导入任何数据"), err=True)
        sys.exit(1)
    click.echo(f"检查通过：共 {report.total} 行，可{done}" if dry_run else f"导入完成：{done}")

@audit_cli.command("verify", help="重新计算审计记录的哈希链，指出第一条被改动、删除或插入的记录")
@clean_errors
def audit_verify():
    verdict = audit.verify(db())
    if verdict.ok:
        click.echo(f"审计记录完整：共 {verdict.count} 条")
        return
    b = verdict.broken
    click.echo(f"审计记录链在第 {verdict.count} 条处断开：记录 {b['id']}（{b['at']}，{b['action']}"
               f"{'，' + b['ledger'] if b['ledger'] else ''}，{b['user'] or '-'}）{verdict.reason}", err=True)
    sys.exit(1)


@backup_cli.command("create", help="备份到一个文件（写入时也可进行；SQLite 用在线备份，PostgreSQL 用 pg_dump）")
@click.argument("path", type=click.Path(dir_okay=False))
@clean_errors
def backup_create(path):
    manifest = backup.create(db(), path, files_dir(), templates_dir())
    counts = manifest["fingerprint"]["entries"]
    click.echo(f"已备份到 {path}：{len(counts)} 个台帐、{sum(counts.values())} 条记录、"
               f"{manifest['fingerprint']['audit_records']} 条审计记录、{manifest['files']} 个文件")


@backup_cli.command("restore", help="把备份恢复到空数据库，并与备份清单核对")
@click.argument("path", type=click.Path(dir_okay=False))
@clean_errors
def backup_restore(path):
    database = db()
    restored = backup.restore(database, path, files_dir(), templates_dir())
    definitions.forget(str(database.engine.url))
    bootstrap.prepare(database, MIGRATIONS, None)  # an older backup: up to date
    verdict = audit.verify(database)
    if not verdict.ok:
        click.echo(f"错误：恢复后审计记录链在第 {verdict.count} 条处断开：{verdict.reason}", err=True)
        sys.exit(1)
    click.echo(f"已恢复：{len(restored.counts)} 个台帐、{sum(restored.counts.values())} 条记录、"
               f"{restored.files} 个文件；与备份清单一致，审计记录完整（{verdict.count} 条）")


@schedule_cli.command("run", help="立即执行到期的定时任务（每个任务每天一次，多台服务器共用数据库时也只执行一次）")
@clean_errors
def schedule_run():
    from app import scheduled_tasks  # the tasks as the server configures them
    ran = schedule.run_due(db(), scheduled_tasks(current_app, db()))
    for run in ran:
        click.echo(f"{run['task']}（{run['slot']}）：{'完成' if run['outcome'] == 'done' else '失败'}：{run['detail']}")
    if not ran:
        click.echo("没有到期的任务")
    if any(run["outcome"] != "done" for run in ran):
        sys.exit(1)


@schedule_cli.command("list", help="最近的定时任务运行记录")
def schedule_list():
    for run in schedule.recent_runs(db()):
        click.echo(f"{run['task']}\t{run['slot']}\t{run['outcome']}\t{run['host']}\t{run['detail'] or ''}")


def templates_dir() -> Path:
    """The office's own document templates (core/reports/document.py): backed up too."""
    return Path(current_app.instance_path) / "templates"


def files_dir() -> Path:
    """Where uploaded files live (FILES_DIR, else the instance folder's files/): backed up with the database."""
    return Blobs.of_instance(current_app.instance_path, current_app.config.get("FILES_DIR")).root


@files_cli.command("clean", help="删除没有任何记录（含修改记录）引用的附件：超过 --hours 小时仍未保存到记录的上传，及无人引用的文件内容")
@click.option("--hours", type=click.FloatRange(min=0), default=24, show_default=True,
              help="未保存到记录的上传保留多久（正在填写的表单需要它们）")
@with_appcontext
@clean_errors
def files_clean(hours):
    blobs = Blobs.of_instance(current_app.instance_path, current_app.config.get("FILES_DIR"))
    counts = cleanup.clean(db(), blobs, dt.timedelta(hours=hours))
    click.echo(f"已删除 {counts['records']} 个未被引用的附件记录、{counts['blobs']} 个文件"
               f"（释放 {counts['bytes']} 字节）；保留 {counts['kept']} 个文件")


def register(app: Flask) -> None:
    app.cli.add_command(backup_cli)
    app.cli.add_command(schedule_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(ledgers_cli)
    app.cli.add_command(units_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(rounds_cli)


@rounds_cli.command("tick")
@with_appcontext
def rounds_tick() -> None:
    """Open the next round of every repeating round whose due date has passed."""
    opened = rounds.open_due_repeats(db())
    click.echo(f"已开启 {len(opened)} 轮催报" + (f"：{', '.join(map(str, opened))}" if opened else ""))
