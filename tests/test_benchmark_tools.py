"""The planner development tools in benchmarks/: taskbench_diff.py counts changed plans against
the labels, user_plans.py prints a plan per request."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _row(rid: str, tasks: list[str]) -> dict:
    return {"id": rid, "instruction": f"request {rid}", "task_nodes": [{"task": t, "arguments": []} for t in tasks],
            "task_links": []}


def _write(path: Path, rows: list[dict]) -> str:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return str(path)


def test_taskbench_diff_counts_better_and_worse_changes(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [_row("1", ["Summarization"]), _row("2", ["Translation"]),
                                            _row("3", ["Image-to-Text"])])
    before = _write(tmp_path / "before.jsonl", [_row("1", []), _row("2", ["Translation"]), _row("3", ["Image-to-Text"])])
    after = _write(tmp_path / "after.jsonl", [_row("1", ["Summarization"]), _row("2", []), _row("3", ["Image-to-Text"])])
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "taskbench_diff.py"), before, after, "--data", gold],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "changed 2, better 1, worse 1"
    assert "== 1 better" in out and "== 2 worse" in out


def test_user_plans_prints_each_request_and_its_tasks(tmp_path: Path) -> None:
    data = tmp_path / "requests.txt"
    data.write_text("# a comment\nsummarize notes.txt\ndetect faces in call.wav\n")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "user_plans.py"), "--data", str(data), "--words"],
                         capture_output=True, text=True, check=True,
                         env={"PATH": "", "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}).stdout
    assert out.splitlines()[:2] == ["## summarize notes.txt", "   0: summarization dep=[-1] {'text': 'notes.txt'}"]
    assert "## detect faces in call.wav" in out and "MISSING: object-detection needs an image" in out
