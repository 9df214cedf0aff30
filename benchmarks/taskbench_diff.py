"""Which requests two TaskBench prediction files plan differently, and whether each change is
better or worse against the labels.

    .venv/bin/python benchmarks/taskbench.py --predictions before.jsonl   # on the old code
    .venv/bin/python benchmarks/taskbench.py --predictions after.jsonl    # on the new code
    .venv/bin/python benchmarks/taskbench_diff.py before.jsonl after.jsonl [--data FILE.jsonl] [-q]

A request counts as better (worse) when more (fewer) of the four sets the benchmark scores (nodes,
links, argument names, argument values; ``evaluation.read_sample``) match the labels' exactly. Prints each changed request with both plans and the labels (``-q``: the
counts only). Batch planning can flip a plan or two through embedding batch noise.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hugginggpt_tools.evaluation import read_sample

ROOT = Path(__file__).resolve().parents[1]


def _load(path: str) -> dict[str, dict]:
    """Prediction rows by id (a prediction has no request, so TaskBench's loader does not read them)."""
    return {row["id"]: row for row in map(json.loads, Path(path).read_text(encoding="utf-8").splitlines()) if row}


def _sets(row: dict, types: dict[str, str]) -> tuple:
    """What the benchmark scores of ``row``: its node, link, argument-name and argument-value sets."""
    sets = read_sample(row, types)
    return sets.nodes, sets.links, sets.argument_names, sets.argument_values


def _matches(row: dict, gold: dict, types: dict[str, str]) -> int:
    return sum(a == b for a, b in zip(_sets(row, types), _sets(gold, types)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "taskbench_hf" / "dev.jsonl"),
                        help="the labelled requests the predictions were made for")
    parser.add_argument("--tools", default=str(ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json"),
                        help="the tool graph the predictions were made over")
    parser.add_argument("-q", action="store_true", help="print the counts only")
    args = parser.parse_args()

    from hugginggpt_tools.taskbench import load_requests, output_types
    from hugginggpt_tools.toolgraph import ToolGraph

    types = output_types(ToolGraph.load(args.tools))
    gold = {row["id"]: row for row in load_requests(args.data)}
    before, after = _load(args.before), _load(args.after)
    better = worse = changed = 0
    for rid, old in before.items():
        new = after.get(rid)
        if new is None or _sets(old, types) == _sets(new, types):
            continue
        changed += 1
        label = gold.get(rid)
        delta = _matches(new, label, types) - _matches(old, label, types) if label else 0
        better, worse = better + (delta > 0), worse + (delta < 0)
        if not args.q:
            print("==", rid, "better" if delta > 0 else "worse" if delta < 0 else "same",
                  (label or {}).get("instruction", "")[:300])
            for name, row in (("before", old), ("after", new), ("labels", label or {})):
                print(f"  {name}:", [n["task"] for n in row.get("task_nodes", [])],
                      [n.get("arguments") for n in row.get("task_nodes", [])])
    print(f"changed {changed}, better {better}, worse {worse}")


if __name__ == "__main__":
    main()
