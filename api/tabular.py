"""Export, import and template routes of /api/v1 (registered on the API blueprint by `register`)."""
from __future__ import annotations

import tempfile
from typing import Callable

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context, url_for

from core.tabular import export as tabular
from core.errors import QueryError
from core.db.models import Database

from adapters import CSV_MIME, attachment, run_import, spooled

from . import envelopes as out
from . import inputs
from .inputs import HEADER_CHOICES
from .operations import FILE, READS, documented


def register(bp: Blueprint, api_error: type, db: Callable[[], Database]) -> None:
    """Add the routes to the API blueprint; `api_error(status, message)` and `db()` come from it."""
    @documented("导出 CSV（UTF-8 带 BOM，CRLF；筛选、搜索、排序同列表；header=key 用字段名作表头）",
                params=(inputs.FilterParams, inputs.HeaderParams), returns="text/csv", errors=(400, *READS))
    def export_csv_view(key: str):
        return export_csv(db(), key)

    @documented("导出 XLSX（单元格带类型，子表在单独的工作表中，按记录ID对应）",
                params=(inputs.FilterParams, inputs.HeaderParams), returns=tabular.XLSX_MIME, errors=(400, *READS))
    def export_xlsx_view(key: str):
        return export_xlsx(db(), key)

    @documented("空白导入模板（CSV：表头和一行示例）", params=(inputs.HeaderParams,), returns="text/csv")
    def template_csv(key: str):
        return template(db(), key, "csv")

    @documented("空白导入模板（XLSX：表头和一行示例）", params=(inputs.HeaderParams,), returns=tabular.XLSX_MIME)
    def template_xlsx(key: str):
        return template(db(), key, "xlsx")

    @documented("导入 CSV（UTF-8、GB18030/GBK）或 XLSX：每行按表单规则校验，全部成功才写入",
                body={"multipart/form-data": inputs.ImportFormSchema}, ok=201,
                returns={"application/json": out.ImportReportSchema, "text/csv": FILE},
                said="已导入：{created, updated, total, warnings}",
                also={200: "检查结果（dry_run）或仅有更新；rejects=csv 时为有误的行（CSV）"},
                errors=(400, 401, 403, 404, 413, 415, 422))
    def import_view(key: str):
        return import_entries(db(), key, api_error)

    bp.add_url_rule("/ledgers/<key>/export.csv", "export_csv", export_csv_view)
    bp.add_url_rule("/ledgers/<key>/export.xlsx", "export_xlsx", export_xlsx_view)
    bp.add_url_rule("/ledgers/<key>/template.csv", "template_csv", template_csv)
    bp.add_url_rule("/ledgers/<key>/template.xlsx", "template_xlsx", template_xlsx)
    bp.add_url_rule("/ledgers/<key>/import", "import_entries", import_view, methods=["POST"])


def list_params(args):
    """The list's filters without the export's own option (`header`, or `_header`)."""
    return [(name, value) for name, value in args.items(multi=True) if name not in ("header", "_header")]


def header_option(args) -> str:
    header = args.get("header", args.get("_header", "title"))
    if header not in HEADER_CHOICES:
        raise QueryError("参数 header 应为 title 或 key")
    return header


def export_csv(database, key: str):
    definition, chunks = tabular.export_csv(database, g.actor, key, list_params(request.args),
                                             header_option(request.args))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = CSV_MIME
    response.headers["Content-Disposition"] = attachment(tabular.download_name(definition, "csv"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def export_xlsx(database, key: str):
    """Written to a temporary file by openpyxl's write-only mode, then streamed from disk."""
    definition, response = spooled(
        lambda handle: tabular.export_xlsx(database, g.actor, key, handle, list_params(request.args),
                                           header_option(request.args), file_url=file_url),
        tabular.XLSX_MIME)
    response.headers["Content-Disposition"] = attachment(tabular.download_name(definition, "xlsx"))
    return response


def file_url(file_id: str) -> str:
    """An attachment's full address, for the links of an XLSX export."""
    return url_for("api.files_show", file_id=file_id, _external=True)


def template(database, key: str, fmt: str):
    definition, body = tabular.template(database, g.actor, key, fmt, header_option(request.args))
    mime = CSV_MIME if fmt == "csv" else tabular.XLSX_MIME
    response = Response(body, mimetype=mime)
    response.headers["Content-Disposition"] = attachment(
        tabular.download_name(definition, fmt, suffix="-导入模板"))
    return response


def import_entries(database, key: str, api_error):
    """multipart `file` (or a raw CSV/XLSX body); dry_run=1 checks only; upsert=1 updates by business key."""
    upload = upload_stream(api_error)
    body, status = run_import(database, g.actor, key, upload.stream, getattr(upload, "filename", "") or "",
                              request.values)
    return body if isinstance(body, Response) else (jsonify(body), status)


class _RawUpload:
    def __init__(self, stream, filename: str = ""):
        self.stream, self.filename = stream, filename


def upload_stream(api_error):
    """The uploaded file as a seekable binary stream; 413 beyond the limit, 415 if none."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024
    if (request.content_length or 0) > limit:
        raise api_error(413, f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename and not upload.stream:
            raise api_error(400, "请选择要导入的文件（表单字段 file）")
        return upload
    if request.mimetype in ("text/csv", tabular.XLSX_MIME, "application/octet-stream"):
        spool = tempfile.SpooledTemporaryFile(max_size=1 << 20)
        copied = 0
        while block := request.stream.read(1 << 16):
            copied += len(block)
            if copied > limit:
                raise api_error(413, f"文件过大（上限 {limit // (1024 * 1024)} MB）")
            spool.write(block)
        spool.seek(0)
        return _RawUpload(spool)
    raise api_error(415, "请以 multipart/form-data 上传 CSV 或 XLSX 文件（字段名 file）")
