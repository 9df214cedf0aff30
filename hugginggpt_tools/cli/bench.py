"""``hugginggpt bench taskbench``: measure a planner (offline, any LLM, or auto) on TaskBench."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import ConfigError
from ._common import load_llm


def _planner(args: argparse.Namespace, graph: Any) -> Any:
    from ..planning import AutoPlanner, LLMPlanner, OfflinePlanner

    kind = args.planner or ("llm" if args.llm else "offline")

    def offline() -> Any:
        return OfflinePlanner(graph, matcher=False if args.no_semantic else None,
                              node_model=False if args.no_node_model else None)

    if kind == "offline":
        return offline()
    llm = load_llm(args.llm)
    if llm is None:
        raise ConfigError(f"--planner {kind} needs --llm provider:model (e.g. --llm openai:gpt-4o-mini).")
    if kind == "llm":
        return LLMPlanner(llm, tools=graph)
    threshold = {} if args.threshold is None else {"threshold": args.threshold}
    return AutoPlanner(llm, tools=graph, offline=offline(), **threshold)


def _progress(done: int, total: int) -> None:
    """Progress on stderr: one line rewritten in place on a terminal, a line per report otherwise."""
    if sys.stderr.isatty():
        print(f"\rplanned {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    else:
        print(f"planned {done}/{total}", file=sys.stderr, flush=True)


def cmd_taskbench(args: argparse.Namespace) -> int:
    from ..taskbench import format_scores, load_requests, run_benchmark, write_predictions
    from ..toolgraph import ToolGraph

    graph = ToolGraph.load(args.tools)
    rows = load_requests(args.data)[: args.limit or None]
    planner = _planner(args, graph)
    result = run_benchmark(planner, rows, graph, concurrency=args.concurrency, batch_size=args.batch_size,
                           progress=None if args.quiet else _progress)
    write_predictions(result, args.predictions)
    if args.json:
        scores = {split: s.as_dict() for split, s in result.scores.items()}
        print(json.dumps({"planner": result.planner, "scores": scores, "p50_ms": result.p50_ms,
                          "failures": result.failures, "predictions": args.predictions}, indent=2))
    else:
        print(format_scores(result))
        print(f"predictions: {args.predictions}")
    return 0


def register(sub: Any) -> None:
    bench = sub.add_parser("bench", help="benchmark a planner")
    kinds = bench.add_subparsers(dest="benchmark", required=True)
    tb = kinds.add_parser("taskbench", help="TaskBench task planning: node, link and argument F1",
                          description="Plan every request of a TaskBench JSONL file, write the predictions in "
                          "TaskBench's format and print node, link, argument-name and argument-value F1 "
                          "(overall and per single/chain/dag), as TaskBench's evaluate.py computes them.")
    tb.add_argument("--data", required=True, help="TaskBench requests with labels (JSONL: id, type, instruction, "
                    "task_nodes, task_links)")
    tb.add_argument("--tools", required=True, help="the tool graph, TaskBench's tool_desc.json")
    tb.add_argument("--predictions", required=True, help="where to write one prediction line per request (JSONL)")
    tb.add_argument("--llm", help="planner chat model, an init_chat_model spec (provider:model)")
    tb.add_argument("--planner", choices=["offline", "llm", "auto"], help="default: llm with --llm, else offline")
    tb.add_argument("--threshold", type=float, default=None,
                    help="auto planner: offline confidence from which no LLM is asked (default: AutoPlanner's, 0.75)")
    tb.add_argument("--concurrency", type=int, default=8, help="LLM requests in flight at once (default 8)")
    tb.add_argument("--batch-size", type=int, default=64, help="offline planner batch size (default 64)")
    tb.add_argument("--limit", type=int, help="plan only the first N requests")
    tb.add_argument("--no-semantic", action="store_true",
                    help="offline planner without the embedding model (its words-only node model)")
    tb.add_argument("--no-node-model", action="store_true",
                    help="offline planner without the request-level node model (cue rules and matcher only)")
    tb.add_argument("--json", action="store_true", help="print the scores as JSON")
    tb.add_argument("--quiet", action="store_true", help="no progress on stderr")
    tb.set_defaults(func=cmd_taskbench)
