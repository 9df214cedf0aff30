"""The offline planner on TaskBench's Hugging Face domain: the four F1 scores and the latency.

    .venv/bin/python benchmarks/taskbench.py [--data ../shared/data/taskbench_hf/dev.jsonl] [--no-semantic] [--no-node-model]

Plans every request once in batches (as ``hugginggpt bench taskbench`` does) for the scores, then
again one request at a time on one thread for the latency (p50 and p90 per request; the first
pass loaded the embedding model, and its cache of clause embeddings is emptied before the
second). Prints the table, how the plans split at AutoPlanner's confidence threshold (how many it
would keep and how good they are), and writes ``benchmarks/results/taskbench.json`` (and the
predictions with ``--predictions FILE``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "taskbench_hf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA / "dev.jsonl"), help="TaskBench requests with labels")
    parser.add_argument("--tools", default=str(ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json"),
                        help="TaskBench tool_desc.json (default: the repository's copy of the Hugging Face graph)")
    parser.add_argument("--no-semantic", action="store_true", help="no embedding model (words-only node model)")
    parser.add_argument("--no-node-model", action="store_true", help="cue rules (and matcher) without the node model")
    parser.add_argument("--predictions", help="also write the predictions (JSONL) here")
    parser.add_argument("--threshold", type=float, default=None,
                        help="AutoPlanner threshold at which to split the plans by confidence (default: AutoPlanner's)")
    args = parser.parse_args()

    from hugginggpt_tools.evaluation import score
    from hugginggpt_tools.planning import OfflinePlanner
    from hugginggpt_tools.planning.auto import DEFAULT_THRESHOLD, keeps_offline
    from hugginggpt_tools.taskbench import (
        format_scores,
        load_requests,
        output_types,
        request_text,
        run_benchmark,
        write_predictions,
    )
    from hugginggpt_tools.toolgraph import ToolGraph

    if args.threshold is None:
        args.threshold = DEFAULT_THRESHOLD
    graph = ToolGraph.load(args.tools)
    rows = load_requests(args.data)
    planner = OfflinePlanner(graph, matcher=False if args.no_semantic else None,
                             node_model=False if args.no_node_model else None)
    result = run_benchmark(planner, rows, graph)
    if planner.matcher is not None:
        planner.matcher.clear_cache()  # time the embedding calls too, not cached ones
    times = []
    for row in rows:
        started = time.perf_counter()
        planner.plan(request_text(row))
        times.append(time.perf_counter() - started)
    p50, p90 = statistics.median(times) * 1000, statistics.quantiles(times, n=10)[-1] * 1000
    valid = result.all_valid_dags and not result.failures
    print(format_scores(result))
    print(f"one request at a time, one thread: p50 {p50:.2f} ms, p90 {p90:.2f} ms, max {max(times) * 1000:.2f} ms; "
          f"every plan a valid DAG: {valid}")
    by_id = {p["id"]: p for p in result.predictions}
    sure, rest = [], []
    for o in result.outcomes:
        kept = o.plan is not None and keeps_offline(o.plan, args.threshold)
        (sure if kept else rest).append(o.row)
    split = {}
    for name, group in (("kept", sure), ("to the LLM", rest)):
        node = score(group, by_id, output_types(graph), ("overall",))["overall"].nodes.f1 * 100 if group else 0.0
        split[name] = {"requests": len(group), "node_f1": node}
    print(f"confidence >= {args.threshold} (what planner='auto' keeps): {len(sure)} plans, node F1 "
          f"{split['kept']['node_f1']:.1f}; the other {len(rest)} (sent to the LLM): node F1 "
          f"{split['to the LLM']['node_f1']:.1f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    if args.predictions:
        write_predictions(result, args.predictions)
    summary = {"data": Path(args.data).name, "planner": result.planner, "semantic": not args.no_semantic,
               "node_model": not args.no_node_model,
               "scores": {k: v.as_dict() for k, v in result.scores.items()},
               "p50_ms": p50, "p90_ms": p90, "max_ms": max(times) * 1000, "all_valid_dags": valid,
               "confidence_split": {"threshold": args.threshold, **split}}
    (out / "taskbench.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
