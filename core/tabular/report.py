"""What an import found and did (ImportReport): counts, errors, warnings and the rejected
rows, given back to the API, the import page and the command line."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field as dc_field

from core.tabular.cells import neutralise

REPORT_ERRORS = 2_000  # errors kept in a report; the counts stay exact beyond it


@dataclass
class ImportReport:
    """What an import found and did; `errors` holds {row, field, column, message}."""

    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    invalid_rows: int = 0
    errors: list[dict] = dc_field(default_factory=list)
    warnings: list[str] = dc_field(default_factory=list)
    headers: list[str] = dc_field(default_factory=list)
    rejected: list[list] = dc_field(default_factory=list)  # [row number, *cells, error text]
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.invalid_rows == 0

    def as_dict(self) -> dict:
        return {"dry_run": self.dry_run, "ok": self.ok, "total": self.total,
                "valid": self.total - self.invalid_rows, "invalid": self.invalid_rows,
                "created": self.created, "updated": self.updated, "errors": self.errors,
                "warnings": self.warnings, "truncated": self.truncated,
                "rejected": {"headers": ["行号", *self.headers, "错误"], "rows": self.rejected}}

    def rejected_csv(self) -> bytes:
        """The rejected rows with an error column, as a CSV people can fix and import again."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([_safe(h) for h in [*self.headers, "错误"]])
        for row in self.rejected:
            writer.writerow([_safe(c) if isinstance(c, str) else c for c in row[1:]])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(cell: str) -> str:
    """Neutralise a cell of the rejects file; one starting with ' is already safe (and stays lossless)."""
    return cell if cell.startswith("'") else neutralise(cell)


def reject(report: ImportReport, row_no: int, cells: list, errors: list[dict]) -> None:
    """Count a bad row; keep its errors and cells for the report until REPORT_ERRORS are kept."""
    report.invalid_rows += 1
    if len(report.errors) + len(errors) > REPORT_ERRORS:
        report.truncated = True
        return
    report.errors.extend(errors)
    shown = ["" if c is None else c if isinstance(c, (str, int, float)) else str(c) for c in cells]
    shown += [""] * (len(report.headers) - len(shown))
    report.rejected.append([row_no, *shown[:len(report.headers)], "；".join(e["message"] for e in errors)])
