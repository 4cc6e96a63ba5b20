"""`flask ledgers export` and `flask ledgers import`: thin calls into core, clean errors."""
from core.entries import query
from core.access.policy import SYSTEM
from tests.tabular.conftest import all_data, empty_copy


def test_export_then_import_round_trips(runner, demo_data, tmp_path):
    out = tmp_path / "assets.xlsx"
    result = runner.invoke(args=["ledgers", "export", "fixed_assets", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    copy_key = empty_copy(demo_data, "fixed_assets")
    result = runner.invoke(args=["ledgers", "import", copy_key, str(out), "--dry-run"])
    assert result.exit_code == 0 and "检查通过" in result.output
    assert query.get_ledger(demo_data, SYSTEM, copy_key)[0]["entry_count"] == 0
    result = runner.invoke(args=["ledgers", "import", copy_key, str(out)])
    assert result.exit_code == 0 and "新增 41 条" in result.output
    assert all_data(demo_data, copy_key) == all_data(demo_data, "fixed_assets")
    result = runner.invoke(args=["ledgers", "import", "fixed_assets", str(out), "--upsert"])
    assert result.exit_code == 0 and "更新 41 条" in result.output


def test_csv_export_to_stdout_with_keys(runner, demo_data):
    result = runner.invoke(args=["ledgers", "export", "repairs", "--header", "key", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith("\ufeff_id,_number,location,".encode())


def test_bad_rows_exit_1_with_row_numbers_and_rejects_file(runner, db, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("维修地点,设施类型,问题描述,报修日期,处理状态\r\n东院,供电,跳闸,2026-03-05,待处理\r\n"
                       "西院,燃气,跳闸,2026-03-05,待处理\r\n".encode("gb18030"))
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(args=["ledgers", "import", "repairs", str(source), "--rejects", str(rejects)])
    assert result.exit_code == 1
    assert "第 3 行 设施类型" in result.output and "未导入任何数据" in result.output
    assert "燃气" in rejects.read_bytes().decode("utf-8-sig")
    assert query.get_ledger(db, SYSTEM, "repairs")[0]["entry_count"] == 0


def test_unknown_ledger_is_a_clean_error(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a\r\n1\r\n")
    result = runner.invoke(args=["ledgers", "import", "nosuch", str(source)])
    assert result.exit_code == 1 and "不存在" in result.output
