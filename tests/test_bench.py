"""The documented benchmark commands still run (tiny sizes, SQLite only): a benchmark that
breaks silently measures nothing. Figures are not judged here; bench/README.md holds them."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("args", [
    ["bench/engine.py", "--entries", "300", "--samples", "3", "--scans", "1", "--db", "sqlite", "--no-server"],
    ["bench/indexes.py", "--entries", "200", "--repeats", "1", "--db", "sqlite"],
    ["bench/audit_ab.py", "--entries", "200", "--samples", "4"],
])
def test_benchmark_runs(args, tmp_path):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ratio" in done.stdout
