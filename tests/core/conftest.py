"""Engine tests need no Flask app: a Database on SQLite and, where reachable, on PostgreSQL."""
import pytest

from core.access.policy import SYSTEM
from core.db.models import Database
from core.ledgers.versions import save_definition
from tests.conftest import drop_pg_schema, pg_url_or_skip, shipped


@pytest.fixture(params=["sqlite", "postgres"])
def edb(request, tmp_path):
    """The same engine tests on both databases."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'engine.db'}")
        cleanup = None
    else:
        url, schema, base = pg_url_or_skip()
        database = Database(url)
        cleanup = (base, schema)
    database.create_all()
    yield database
    database.dispose()
    if cleanup:
        drop_pg_schema(*cleanup)


@pytest.fixture
def supervision(edb):
    return save_definition(edb, SYSTEM, shipped("supervision"))


SMALL = {
    "title": "测试台帐",
    "type": "object",
    "properties": {
        "name": {"type": "string", "title": "名称", "maxLength": 50},
        "unit": {"type": "string", "title": "单位", "enum": ["甲", "乙", "丙"]},
        "due": {"type": "string", "title": "时限", "format": "date"},
        "score": {"type": "integer", "title": "分数", "minimum": 0, "maximum": 1000},
        "amount": {"type": "number", "title": "金额", "multipleOf": 0.01, "x-widget": "money"},
        "done": {"type": "boolean", "title": "完成"},
        "tags": {"type": "array", "title": "标签", "items": {"type": "string", "enum": ["红", "蓝"]},
                 "uniqueItems": True},
        "rows": {"type": "array", "title": "明细", "items": {"type": "object", "properties": {
            "place": {"type": "string", "title": "地点"}}, "required": ["place"]}},
        "car": {"type": "object", "title": "车辆", "properties": {"seats": {"type": "integer", "title": "座位"}}},
    },
    "required": ["name"],
    "x-ledger": {"key": "small", "list": {"filters": ["unit", "due", "done"], "search": ["name"], "sort": "-due"}},
}
