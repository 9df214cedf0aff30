"""The node model's training requests (benchmarks/synth/) are well-formed TaskBench samples: the
graph's tools, links that match the ``<node-k>`` arguments, literal arguments taken from the
request, unique ids; and each matches the sampled graph it was written for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SYNTH = ROOT / "benchmarks" / "synth"
TOOLS = {n["id"] for path in (ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json", SYNTH / "text_tools.json")
         for n in json.loads(path.read_text())["nodes"]}
"""TaskBench's tools, and the package's two text tasks its graph lacks (set H)."""
PARTS = sorted(SYNTH.glob("part*.jsonl"))
SPECS = {s["id"]: s for p in SYNTH.glob("specs-*.jsonl") for s in map(json.loads, p.read_text().splitlines())}
_REF = re.compile(r"<node-(\d+)>")


def test_there_are_training_requests() -> None:
    assert len(PARTS) >= 24 and sum(len(p.read_text().splitlines()) for p in PARTS) >= 2500


@pytest.mark.parametrize("path", PARTS, ids=lambda p: p.stem)
def test_each_request_is_a_wellformed_sample_of_its_sampled_graph(path: Path) -> None:
    seen = set()
    for line in path.read_text().splitlines():
        row = json.loads(line)
        assert row["id"] not in seen and row["id"] in SPECS, row["id"]
        seen.add(row["id"])
        spec = SPECS[row["id"]]
        names = [n["task"] for n in row["task_nodes"]]
        assert names == spec["nodes"] and set(names) <= TOOLS, row["id"]
        refs = set()
        for k, node in enumerate(row["task_nodes"]):
            for arg in node["arguments"]:
                found = _REF.findall(arg)
                refs |= {(int(j), k) for j in found}
                if not found:
                    assert arg in row["instruction"], (row["id"], arg)
        assert refs == {tuple(link) for link in spec["links"]}, row["id"]
        assert all(j < k for j, k in refs)
