"""The bulletin (督查通报) as a Word document: core/reports/bulletin.py's figures poured into a
.docx template with docxtpl's Jinja tags, so an office can lay out its own document in Word
(or WPS) without code. The shipped template is built by templates/build_bulletin.py.

A template is looked up in the instance folder first (`<instance>/templates/<ledger>/bulletin.docx`,
then `<instance>/templates/bulletin.docx`), else the shipped one. The variables it may use are
VARIABLES (docs/bulletin-word.md); anything else is an error naming it, never an empty gap.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from core.errors import LedgerError, QueryError
from core.ids import plain_int

SHIPPED = Path(__file__).resolve().parent / "templates" / "bulletin.docx"
TEMPLATE_NAME = "bulletin.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_OFFICE = "区政府办公室"
MAX_OFFICE = 40
VARIABLES = ("title", "ledger", "ledger_name", "number", "number_text", "office", "date", "today",
             "start", "end", "start_text", "end_text", "fields", "units", "totals", "overdue",
             "overdue_truncated", "overdue_limit", "current_round")
FIELD_NAMES = ("unit", "deadline", "status", "completed", "leader", "content")


class DocumentTemplateError(LedgerError):
    """The office's template cannot be used (not a .docx, a tag miswritten, an unknown
    variable): the server's configuration, not the request, so a 500 that says what to fix."""

    status = 500


# --- the parameters of an issue (shared by the page and the download) ----------------------

def half_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The half-year `today` is in: bulletins are most often issued for one."""
    if today.month <= 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year, 7, 1), dt.date(today.year, 12, 31)


def issue_number(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    number = plain_int(text.strip())
    if number is None or not 1 <= number <= 9999:
        raise QueryError("期数应为 1 到 9999 之间的整数", [{"field": "no", "message": "期数应为 1 到 9999 之间的整数"}])
    return number


def issuer(text: str | None) -> str:
    office = (text or "").strip() or DEFAULT_OFFICE
    if len(office) > MAX_OFFICE:
        raise QueryError("发文单位不能超过 40 个字", [{"field": "office", "message": "发文单位不能超过 40 个字"}])
    return office


# --- what a template sees ------------------------------------------------------------------

def percent_text(value: float | None) -> str:
    """0.8765 -> '87.7%', no rate -> '—' (as the page's `percent` filter shows it)."""
    return "—" if value is None else f"{value * 100:.1f}%"


def chinese_date(value: Any) -> str:
    """'2026-11-25' -> '2026年11月25日' (as the page dates the bulletin)."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return f"{day.year}年{day.month}月{day.day}日"


def late_in_current_round(db: Any, actor: Any, key: str) -> dict | None:
    """ROUNDS HOOK (issue 17 item 1): the ledger's current reporting round as
    {"title", "due", "late_units": [unit, ...]} for the bulletin's 未按时报送 section, or None.
    Rounds do not exist yet, so there is none; the template shows the section only when given one."""
    return None


def bulletin_context(report: dict, number: int | None, office: str, current_round: dict | None = None) -> dict:
    """Every variable a template may use (VARIABLES), from bulletin.bulletin()'s figures."""
    named = report["fields"]

    def unit_row(row: dict) -> dict:
        return {**row, "done_rate": percent_text(row["done_rate"]), "on_time_rate": percent_text(row["on_time_rate"]),
                "done_rate_value": row["done_rate"], "on_time_rate_value": row["on_time_rate"]}

    overdue = [{**item, "no": i, "content": item["content"] or "—", "unit": item["unit"] or "—",
                "leader": item["leader"] or "—", "status": item["status"] or "—"}
               for i, item in enumerate(report["overdue"], 1)]
    context = {
        "title": report["title"], "ledger": dict(report["ledger"]),
        "ledger_name": report["ledger"]["title"].replace("台帐", ""),
        "number": number, "number_text": f"第{number}期" if number else "", "office": office,
        "date": chinese_date(report["today"]), "today": report["today"],
        "start": report["start"], "end": report["end"],
        "start_text": chinese_date(report["start"]), "end_text": chinese_date(report["end"]),
        "fields": {name: (named[name]["title"] if name in named else None) for name in FIELD_NAMES},
        "units": [unit_row(u) for u in report["units"]], "totals": unit_row(report["totals"]),
        "overdue": overdue, "overdue_truncated": len(overdue) >= report["overdue_limit"],
        "overdue_limit": report["overdue_limit"], "current_round": current_round,
    }
    if context["fields"]["completed"] is None:
        context["fields"]["completed"] = "办结日期"
    return context


# --- the template and the document ---------------------------------------------------------

def find_template(folder: Path | None, key: str) -> Path:
    """The office's template for ledger `key` in `folder` (the instance's templates/), else the shipped one."""
    if folder is not None:
        for candidate in (folder / key / TEMPLATE_NAME, folder / TEMPLATE_NAME):
            if candidate.is_file():
                return candidate
    return SHIPPED


def render(template: Path, context: dict) -> bytes:
    """The filled document, or DocumentTemplateError saying what is wrong with the template."""
    from docxtpl import DocxTemplate  # python-docx and lxml: loaded on the first download, not at start

    where = "默认模板" if template == SHIPPED else f"模板 {template.name}"
    if not zipfile.is_zipfile(template):
        raise DocumentTemplateError(f"通报{where}不是有效的 Word 文档（.docx）", [{"template": str(template.name)}])
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    try:
        doc = DocxTemplate(str(template))
        try:
            unknown = sorted(doc.get_undeclared_template_variables(env, context))
        except TemplateSyntaxError:
            unknown = []  # rendering below names the place
        if unknown:
            raise DocumentTemplateError(f"通报{where}使用了未知的变量：{'、'.join(unknown)}",
                                        [{"variable": name, "message": "未知的变量"} for name in unknown])
        doc.render(context, jinja_env=env)
        out = io.BytesIO()
        doc.save(out)
    except DocumentTemplateError:
        raise
    except TemplateSyntaxError as exc:
        near = "".join(getattr(exc, "docx_context", None) or []).strip()[:80]
        raise DocumentTemplateError(f"通报{where}的标记写法有误：{exc.message}" + (f"（附近：{near}）" if near else ""),
                                    [{"message": str(exc.message)}]) from None
    except UndefinedError as exc:
        raise DocumentTemplateError(f"通报{where}使用了未知的变量：{exc.message}",
                                    [{"message": str(exc.message)}]) from None
    except TemplateError as exc:
        raise DocumentTemplateError(f"通报{where}无法填写：{exc}", [{"message": str(exc)}]) from None
    except Exception as exc:  # noqa: BLE001 - a damaged .docx, an expression that fails: the template's fault
        raise DocumentTemplateError(f"通报{where}无法使用：{type(exc).__name__}: {exc}"[:300],
                                    [{"message": str(exc)[:200]}]) from None
    return out.getvalue()
