"""One time zone setting: exports write local times and local dates; create_app sets it."""
import csv
import io

import openpyxl
import pytest

from app import create_app
from core import settings
from core.tabular import export as tabular
from core.definition.loading import load_definition
from tests.core.conftest import SMALL

ENTRY = {"id": 1, "data": {"name": "甲"}, "updated_by": "admin", "updated_at": "2026-11-25T17:57:30Z"}


@pytest.fixture
def shanghai():
    settings.set_timezone("Asia/Shanghai")
    yield
    settings.set_timezone(settings.DEFAULT_TIMEZONE)


def test_csv_timestamps_are_local(shanghai):
    columns = tabular.export_columns([load_definition(SMALL)])
    body = b"".join(tabular.csv_chunks(columns, [ENTRY])).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-1] == "最后修改时间" and rows[1][-1] == "2026-11-26 01:57:30"


def test_xlsx_timestamps_are_local(shanghai):
    out = io.BytesIO()
    tabular.write_xlsx(tabular.export_columns([load_definition(SMALL)]), [ENTRY], out, "测试")
    cell = list(openpyxl.load_workbook(out).active.iter_rows(min_row=2))[0][-1]
    assert cell.value.isoformat(sep=" ") == "2026-11-26 01:57:30"


def test_download_name_carries_the_local_date(shanghai):
    assert tabular.download_name(load_definition(SMALL), "csv").endswith(
        f"-{settings.local_today():%Y%m%d}.csv")


def test_create_app_sets_the_time_zone(tmp_path, monkeypatch):
    try:
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
                    "LOAD_SHIPPED_LEDGERS": False, "SECRET_KEY": "x", "TIMEZONE": "UTC"})
        assert settings.local_text("2026-11-25T17:57:30Z") == "2026-11-25 17:57:30"
        monkeypatch.setenv("LEDGER_TIMEZONE", "Asia/Tokyo")
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}",
                          "LOAD_SHIPPED_LEDGERS": False, "SECRET_KEY": "x"})
        assert app.config["TIMEZONE"] == "Asia/Tokyo"
        assert settings.local_text("2026-11-25T17:57:30Z") == "2026-11-26 02:57:30"
    finally:
        settings.set_timezone(settings.DEFAULT_TIMEZONE)
