"""benchmarks/run_all.py: the quick sections run and report in the documented format (timings are not checked)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module
    spec.loader.exec_module(module)
    return module


def test_critical_path_of_synthetic_shapes(run_all):
    shapes = run_all.shapes()
    assert run_all.critical_path(shapes["chain-8"], 0.1) == pytest.approx(0.8)
    assert run_all.critical_path(shapes["fan-32"], 0.1) == pytest.approx(0.1)
    assert run_all.critical_path(shapes["diamond-4"], 0.1) == pytest.approx(0.3)
    assert run_all.critical_path(shapes["layers-4x8"], 0.1) == pytest.approx(0.4)
    assert len(shapes["layers-4x8"]) == 32 and len(shapes["diamond-4"]) == 6


def test_summary_names_missed_targets(run_all):
    rows = [run_all.Row("a", "fast", 1.0, "s", "<= 2", True), run_all.Row("b", "slow", 3.0, "s", "<= 2", False),
            run_all.Row("c", "info", 5.0, "s")]
    assert run_all.summary(rows) == "targets met: 1/2; missed: b: slow"
    table = run_all.format_table(rows).splitlines()
    assert table[0].split()[:5] == ["section", "measure", "value", "target", "met"]
    assert "NO" in table[3] and "yes" in table[2]


def test_quick_run_prints_table_and_writes_json(run_all, tmp_path, capsys):
    output = tmp_path / "results.json"
    assert run_all.main(["--quick", "--output", str(output)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:5] == ["section", "measure", "value", "target", "met"]
    assert lines[-1].startswith("targets met: ")
    data = json.loads(output.read_text())
    assert data["sections"] == ["executor", "llm", "startup"]
    assert {r["section"] for r in data["rows"]} == {"executor", "llm", "startup"}
    assert data["summary"] == lines[-1]
    runs = {r["plan"]: r for r in data["details"]["executor"]["runs"]}
    assert runs["fan-4"]["width"] == 4 and runs["chain-8"]["tasks"] == 8
    assert all(r["wall_s"] >= r["critical_path_s"] for r in runs.values()), "faster than the sleeps: clock is wrong"
    llm = {r["tasks"]: r for r in data["details"]["llm"]["runs"]}
    assert sorted(llm) == [1, 2, 5, 10]
    assert all(r["ours_calls"] == r["counted_calls"] for r in llm.values()), "trace disagrees with the model"
    assert llm[10]["jarvis_calls"] == 12
    assert data["details"]["startup"]["torch_imported"] is False
