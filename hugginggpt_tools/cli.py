"""The ``hugginggpt`` command line.

``hugginggpt run "REQUEST" [--file F] [--llm provider:model] [--json]`` runs the four stages and
shows progress per stage and task on stderr; ``hugginggpt plan`` runs stage 1 only;
``hugginggpt index build`` rebuilds the model index. Errors of the package end in a one-line
message and exit code 2; a run whose tasks partly failed prints its answer and exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import ConfigError, HuggingGPTError, InputError


def _load_llm(spec: str | None) -> Any:
    """A chat model from an ``init_chat_model`` spec such as ``openai:gpt-4o-mini``."""
    if not spec:
        return None
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(spec)
    except (ImportError, ValueError) as exc:
        raise ConfigError(
            f"Cannot create the chat model {spec!r}: {exc}. Use 'provider:model' "
            "(e.g. openai:gpt-4o-mini) and install the provider's langchain package; "
            "OpenAI-compatible servers read OPENAI_BASE_URL and OPENAI_API_KEY."
        ) from exc


def _check_files(files: Sequence[str]) -> list[str]:
    for f in files:
        if not Path(f).is_file():
            raise InputError(f"--file {f!r}: no such file (relative paths start at {Path.cwd()}).")
    return [str(Path(f)) for f in files]


def _progress(chunk: dict[str, Any]) -> None:
    """Print one stream event as a progress line on stderr."""
    if chunk.get("stage") == "plan":
        tasks = ", ".join(f"{t['id']}:{t['task']}" for t in chunk["plan"]) or "no tasks"
        line = f"[plan] {tasks}" + "".join(f"\n[plan] note: {n}" for n in chunk.get("notes", []))
    elif chunk.get("stage") == "select":
        line = "[select] " + (", ".join(f"{k}:{v or 'none'}" for k, v in chunk["choices"].items()) or "-")
    elif chunk.get("event") == "task_started":
        line = f"[task {chunk['task_id']}] {chunk['task']} started"
    elif chunk.get("event") in ("task_finished", "task_skipped"):
        secs = f" in {chunk['duration_s']:.2f} s" if chunk.get("duration_s") is not None else ""
        model = f" with {chunk['model_id']}" if chunk.get("model_id") else ""
        err = f": {chunk['error']}" if chunk.get("error") else ""
        line = f"[task {chunk['task_id']}] {chunk['task']} {chunk['status']}{model}{secs}{err}"
    else:
        return
    print(line, file=sys.stderr, flush=True)


async def _run_agent(agent: Any, payload: dict[str, Any], quiet: bool) -> dict[str, Any]:
    final: dict[str, Any] = {}
    async for mode, chunk in agent.astream(payload, stream_mode=["custom", "values"]):
        if mode == "custom" and not quiet:
            _progress(chunk)
        elif mode == "values":
            final = chunk
    return final


def cmd_run(args: argparse.Namespace) -> int:
    from .config import get_settings
    from .pipeline import create_hugginggpt_agent

    files = _check_files(args.file)
    settings = get_settings(output_dir=args.output_dir)
    agent = create_hugginggpt_agent(_load_llm(args.llm), planner=args.planner, settings=settings)
    state = asyncio.run(_run_agent(agent, {"input": args.request, "files": files}, args.quiet))
    answer = state["answer"]
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print(answer.text)
    failed = [r for r in answer.results if r.status != "succeeded"]
    return 1 if failed else 0


def _batch_requests(path: str) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"--input {path!r}: cannot read it ({exc.strerror}).") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not a JSON line ({exc.msg}).") from exc
        if isinstance(row, str):
            row = {"request": row}
        text = row.get("request") or row.get("input") or row.get("instruction") if isinstance(row, dict) else None
        if not isinstance(text, str):
            raise InputError(f"{path}:{number}: expected a string or an object with a 'request' field.")
        rows.append({"id": row.get("id", number), "request": text, "files": row.get("files", [])})
    return rows


def cmd_plan(args: argparse.Namespace) -> int:
    from .pipeline import HuggingGPT

    if bool(args.request) == bool(args.input):
        raise InputError("Give either a REQUEST or --input requests.jsonl (one of them).")
    hg = HuggingGPT(_load_llm(args.llm), planner=args.planner)
    if args.request:
        plan = asyncio.run(hg.aplan(args.request, args.file))
        print(plan.model_dump_json(indent=2) if args.json else json.dumps(plan.to_hugginggpt()))
        return 0
    failures = 0
    for row in _batch_requests(args.input):
        try:
            plan = asyncio.run(hg.aplan(row["request"], row["files"]))
            out = {"id": row["id"], "request": row["request"], "plan": plan.to_hugginggpt(),
                   "planner": plan.planner, "confidence": plan.confidence, "notes": plan.notes}
        except HuggingGPTError as exc:
            failures += 1
            out = {"id": row["id"], "request": row["request"], "error": str(exc)}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def cmd_index_build(args: argparse.Namespace) -> int:
    from .config import get_settings
    from .model_index.index import build_default_index

    settings = get_settings()
    folder = Path(args.output) if args.output else settings.index_dir
    index = build_default_index(folder, num_threads=settings.num_threads)
    print(f"Built an index of {len(index.cards)} model cards in {folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hugginggpt", description="HuggingGPT on LangChain: plan, select models, execute, respond.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="answer a request end to end")
    run.add_argument("request", help="what to do, in plain language")
    run.add_argument("--file", action="append", default=[], help="an input file (repeatable)")
    run.add_argument("--llm", help="controller chat model, an init_chat_model spec (provider:model)")
    run.add_argument("--planner", choices=["offline", "llm"], help="planner (default: llm when --llm)")
    run.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    run.add_argument("--output-dir", help="where files are written (default: ./hugginggpt_outputs)")
    run.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="plan a request (stage 1 only)")
    plan.add_argument("request", nargs="?", help="the request")
    plan.add_argument("--input", help="a JSONL file of requests; prints one JSON line each")
    plan.add_argument("--file", action="append", default=[], help="an input file name (repeatable)")
    plan.add_argument("--llm", help="planner chat model (provider:model)")
    plan.add_argument("--planner", choices=["offline", "llm"])
    plan.add_argument("--json", action="store_true", help="print the Plan object as JSON")
    plan.set_defaults(func=cmd_plan)

    index = sub.add_parser("index", help="model index commands")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="rebuild the model index from the catalog")
    build.add_argument("--output", help="index folder (default: HUGGINGGPT_INDEX_DIR or indexes/default)")
    build.set_defaults(func=cmd_index_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # progress lines are ours
    logging.basicConfig(level=os.environ.get("HUGGINGGPT_LOG_LEVEL", "WARNING"),
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except HuggingGPTError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a bare traceback at the user
        if os.environ.get("HUGGINGGPT_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (set HUGGINGGPT_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
