"""Pages of versions: the version list with its diffs, earlier versions' fields and flagged entries."""
import copy

from core.entries import store
from core.ledgers import versions
from core.access.policy import SYSTEM
from tests.conftest import shipped
from tests.core.conftest import SMALL


def repairs_without_phone(db) -> dict:
    """A repairs entry with a phone, then a version without the phone field and with a tighter description."""
    entry = store.create_entry(db, SYSTEM, "repairs", {
        "location": "1号楼", "facility_type": "供水", "description": "卫生间漏水严重需要尽快维修",
        "reported_on": "2026-03-05", "status": "待处理", "phone": "13800000000"})
    document = copy.deepcopy(shipped("repairs"))
    del document["properties"]["phone"]
    document["properties"]["description"]["maxLength"] = 5
    versions.save_definition(db, SYSTEM, document)
    return entry


def test_the_versions_page_lists_versions_with_their_changes(login, client, db):
    repairs_without_phone(db)
    login("admin")
    page = client.get("/ledgers/repairs/versions")
    assert page.status_code == 200
    assert "第 2 版" in page.text and "第 1 版" in page.text and "首次发布" in page.text
    assert "删除字段“联系电话”" in page.text and "最多字数" in page.text
    assert 'href="/ledgers/repairs/versions"' in client.get("/ledgers/repairs").text


def test_the_versions_page_is_for_those_who_may_define(login, client, db):
    login("editor")
    assert client.get("/ledgers/repairs/versions").status_code == 403
    assert 'href="/ledgers/repairs/versions"' not in client.get("/ledgers/repairs").text


def test_an_entry_page_shows_earlier_fields_and_its_problems(login, client, db):
    entry = repairs_without_phone(db)
    login("viewer")
    page = client.get(f"/ledgers/repairs/entries/{entry['id']}").text
    assert "联系电话" in page and "（旧版字段）" in page and "13800000000" in page
    assert "按当前版本有以下问题" in page and "长度不能超过 5 个字符" in page


def test_a_flagged_row_is_marked_in_the_list(login, client, db):
    repairs_without_phone(db)
    store.create_entry(db, SYSTEM, "repairs", {"location": "2号楼", "facility_type": "供电", "description": "灯坏",
                                               "reported_on": "2026-03-06", "status": "待处理"})
    login("viewer")
    page = client.get("/ledgers/repairs").text
    assert page.count('class="badge-problems"') == 1
    assert "长度不能超过 5 个字符" in page


def test_a_removed_sub_field_of_a_group_still_shows(login, client, db):
    versions.save_definition(db, SYSTEM, SMALL)
    entry = store.create_entry(db, SYSTEM, "small", {"name": "甲", "car": {"seats": 5}})
    document = copy.deepcopy(SMALL)
    document["properties"]["car"]["properties"] = {"plate": {"type": "string", "title": "车牌"}}
    versions.save_definition(db, SYSTEM, document)
    login("viewer")
    page = client.get(f"/ledgers/small/entries/{entry['id']}").text
    assert "seats" in page and "（旧版字段）" in page and ">5<" in page
