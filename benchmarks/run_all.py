"""The whole performance suite in one command: one table, one JSON file, one summary line.

    .venv/bin/python benchmarks/run_all.py            # everything (a minute or two, more under load)
    .venv/bin/python benchmarks/run_all.py --quick    # executor, LLM round trips, start-up only

Sections (``--only`` picks some):

1. ``executor``: synthetic plans (chains, fans, diamonds, layers; 1 to 32 tasks) over
   :class:`~hugginggpt_tools.testing.FakeBackend` with known sleep times. Wall time over the
   critical path (target <= 1.05; median of 3 runs, tasks of 0.1 s), and the speedup over running the same tasks in list order
   as LangChain's experimental port does (conservatively taken as the sum of the task times;
   target >= 3.5x on the width-4 fan).
2. ``llm``: LLM round trips and prompt characters per request with a counting fake chat model,
   plans of 1 to 10 tasks, next to JARVIS's count for the same plans (1 planning call, one
   model-selection call per task with several candidates, 1 response call). JARVIS's planning
   prompt is its ``tprompt.parse_task`` (1,818 characters, measured from the JARVIS repository's
   ``configs/config.azure.yaml``) plus the request template (163 characters without the slots)
   plus the request plus its demonstrations (``demos/demo_parse_task.json``, not available
   offline; ASSUMED 3,600 characters, counted by hand from a third-party copy of its six
   examples). The JARVIS figure is therefore an estimate.
3. ``startup``: ``import hugginggpt_tools`` (target <= 0.3 s, torch not imported) and
   ``hugginggpt --help`` (target <= 0.5 s), each in fresh subprocesses, median of a few.
4. ``main_job``: the README's offline request cold and warm (``benchmarks/main_job.py`` in a
   subprocess; target warm <= 0.2 x cold).
5. ``latency``: offline planner p50 per request, model search p50/p99 on the shipped index and
   on 10,000 synthetic cards (``benchmarks/index_scale.py``); 100,000 cards are read from a saved
   ``benchmarks/results/index_scale_100000.json`` when one exists, else reported "not run".

Writes ``benchmarks/results/run_all.json``. Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SECTIONS = ("executor", "llm", "startup", "main_job", "latency")
QUICK_SECTIONS = ("executor", "llm", "startup")
JARVIS_TPROMPT_CHARS = 1818
JARVIS_TEMPLATE_CHARS = 163
JARVIS_DEMO_CHARS_ASSUMED = 3600


@dataclass
class Row:
    """One line of the table: a measure, its value, the target and whether it is met."""

    section: str
    measure: str
    value: float | str
    unit: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


# --- 1. executor --------------------------------------------------------------------------------


def shapes() -> dict[str, list[list[int]]]:
    """Synthetic plans as dependency lists (task i depends on the ids in ``deps[i]``)."""
    def chain(n: int) -> list[list[int]]:
        return [[] if i == 0 else [i - 1] for i in range(n)]

    def fan(n: int) -> list[list[int]]:
        return [[] for _ in range(n)]

    def diamond(width: int) -> list[list[int]]:
        return [[]] + [[0] for _ in range(width)] + [list(range(1, width + 1))]

    def layers(depth: int, width: int) -> list[list[int]]:
        deps: list[list[int]] = []
        for level in range(depth):
            previous = list(range((level - 1) * width, level * width)) if level else []
            deps += [list(previous) for _ in range(width)]
        return deps

    return {"single": fan(1), "chain-4": chain(4), "chain-8": chain(8), "fan-4": fan(4), "fan-8": fan(8),
            "fan-32": fan(32), "diamond-4": diamond(4), "diamond-8": diamond(8), "layers-4x8": layers(4, 8)}


def critical_path(deps: list[list[int]], delay: float) -> float:
    """The longest chain of task times: no scheduler can finish sooner."""
    finish: list[float] = []
    for d in deps:
        finish.append(max((finish[j] for j in d), default=0.0) + delay)
    return max(finish)


def run_shape(name: str, deps: list[list[int]], delay: float, workdir: Path) -> dict[str, Any]:
    """Run one synthetic plan through the executor; returns its timings."""
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.execution import Executor
    from hugginggpt_tools.schemas import Plan, Ref, Task
    from hugginggpt_tools.testing import FakeBackend, fake_choice

    tasks, choices, delays = [], [], {}
    for i, d in enumerate(deps):
        args = {"text": Ref(task_id=d[0])} if d else {"text": f"input {i}"}
        tasks.append(Task(id=i, task="summarization", dep=d, args=args))
        model = f"fake/m{i}"
        delays[model] = delay
        choices.append(fake_choice(i, "summarization", [model]))
    backend = FakeBackend(delays=delays)
    out = workdir / name
    settings = Settings(output_dir=out, max_concurrency=64)
    executor = Executor(Backends([backend]), ArtifactStore(out), settings)
    started = time.perf_counter()
    results = executor.run(Plan(tasks=tasks), choices)
    wall = time.perf_counter() - started
    if any(r.status != "succeeded" for r in results):
        raise RuntimeError(f"{name}: a synthetic task failed: {[r.error for r in results if r.error]}")
    cp, serial = critical_path(deps, delay), delay * len(deps)
    width = max(sum(1 for d in deps if not d), 1)
    return {"plan": name, "tasks": len(deps), "width": width, "wall_s": wall, "critical_path_s": cp,
            "in_order_s": serial, "wall_over_critical": wall / cp, "speedup_vs_in_order": serial / wall}


def bench_executor(quick: bool) -> tuple[list[Row], dict]:
    delay, repeat = 0.1, 3
    rows, runs = [], []
    with tempfile.TemporaryDirectory(prefix="hg-bench-exec-") as tmp:
        run_shape("warm-up", [[]], 0.001, Path(tmp))
        for name, deps in shapes().items():
            tries = [run_shape(f"{name}-{k}", deps, delay, Path(tmp)) for k in range(repeat)]
            best = sorted(tries, key=lambda r: r["wall_s"])[repeat // 2]
            runs.append({**best, "plan": name, "walls_s": [round(r["wall_s"], 4) for r in tries]})
    worst = max(runs, key=lambda r: r["wall_over_critical"])
    for r in runs:
        rows.append(Row("executor", f"{r['plan']} ({r['tasks']} tasks) wall/critical", round(r["wall_over_critical"], 3),
                        "x", "<= 1.05", r["wall_over_critical"] <= 1.05,
                        f"median wall {r['wall_s']:.3f} s, in order {r['in_order_s']:.1f} s, "
                        f"speedup {r['speedup_vs_in_order']:.1f}x"))
    fan4 = next(r for r in runs if r["plan"] == "fan-4")
    rows.append(Row("executor", "speedup vs in-order, width-4 fan", round(fan4["speedup_vs_in_order"], 2), "x",
                    ">= 3.5", fan4["speedup_vs_in_order"] >= 3.5, "in-order time = sum of task times"))
    return rows, {"task_seconds": delay, "runs": runs, "worst": worst["plan"]}


# --- 2. LLM round trips -------------------------------------------------------------------------

TEXT_TASKS = ("text-classification", "token-classification", "summarization", "translation", "text-generation")


def counting_chat_model(plan_json: str, answer: str) -> Any:
    """A chat model replying ``plan_json`` to the planning call and ``answer`` after, recording prompts."""
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class CountingChatModel(BaseChatModel):
        prompts: list = []

        @property
        def _llm_type(self) -> str:
            return "benchmark-counting"

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
            self.prompts.append(sum(len(str(m.content)) for m in messages))
            reply = plan_json if len(self.prompts) == 1 else answer
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])

    return CountingChatModel(prompts=[])


def synthetic_plan(n: int) -> list[dict]:
    """A JARVIS-style plan of ``n`` text tasks: every other task consumes the previous one's text."""
    plan = []
    for i in range(n):
        dependent = i % 2 == 1
        plan.append({"task": TEXT_TASKS[i % len(TEXT_TASKS)], "id": i, "dep": [i - 1] if dependent else [-1],
                     "args": {"text": f"<resource>-{i - 1}" if dependent else f"sentence number {i}"}})
    return plan


def hash_embedder() -> Any:
    """The tests' bag-of-hashed-words embedder (no model load)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_embedder import HashEmbedder

    return HashEmbedder()


def bench_llm(quick: bool) -> tuple[list[Row], dict]:
    from hugginggpt_tools import create_hugginggpt_agent
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.index import ModelIndex
    from hugginggpt_tools.testing import FakeBackend, fake_card

    cards = [fake_card(t, f"fake/{t}-{k}", downloads=10 - k) for t in TEXT_TASKS for k in range(2)]
    index = ModelIndex.build(cards, hash_embedder())
    request = "Classify, tag, summarise, translate and continue these sentences for me."
    runs, rows = [], []
    with tempfile.TemporaryDirectory(prefix="hg-bench-llm-") as tmp:
        for n in (1, 2, 5, 10):
            plan = synthetic_plan(n)
            llm = counting_chat_model(json.dumps(plan), "Done: here are the results.")
            agent = create_hugginggpt_agent(llm, settings=Settings(output_dir=Path(tmp) / str(n)), index=index,
                                            backends=Backends([FakeBackend()]))
            answer = agent.invoke({"input": request})["answer"]
            if len(answer.plan.tasks) != n or any(r.status != "succeeded" for r in answer.results):
                raise RuntimeError(f"LLM benchmark plan of {n} tasks did not run: {answer.plan.notes}")
            several = sum(1 for c in answer.choices if len(c.candidates) > 1)
            jarvis_planning = JARVIS_TPROMPT_CHARS + JARVIS_DEMO_CHARS_ASSUMED + JARVIS_TEMPLATE_CHARS + len(request)
            runs.append({"tasks": n, "ours_calls": answer.trace.llm_calls, "counted_calls": len(llm.prompts),
                         "jarvis_calls": 1 + several + 1, "ours_planning_prompt_chars": llm.prompts[0],
                         "ours_total_prompt_chars": sum(llm.prompts), "jarvis_planning_prompt_chars_est": jarvis_planning})
    for r in runs:
        rows.append(Row("llm", f"LLM calls, plan of {r['tasks']} tasks", r["ours_calls"], "calls", "<= 2",
                        r["ours_calls"] <= 2 and r["counted_calls"] == r["ours_calls"],
                        f"JARVIS: {r['jarvis_calls']}; all prompts {r['ours_total_prompt_chars']:,} chars"))
    ours, jarvis = max(r["ours_planning_prompt_chars"] for r in runs), runs[0]["jarvis_planning_prompt_chars_est"]
    rows.append(Row("llm", "planning prompt chars (ours, largest)", ours, "chars", f"< JARVIS ~{jarvis:,} (est.)",
                    ours < jarvis, "JARVIS = tprompt + template + request + ASSUMED 3,600 chars of demos"))
    return rows, {"runs": runs, "jarvis_demo_chars_assumed": JARVIS_DEMO_CHARS_ASSUMED}


# --- 3. start-up --------------------------------------------------------------------------------

IMPORT_PROBE = ("import sys, time; t = time.perf_counter(); import hugginggpt_tools; "
                "print(time.perf_counter() - t, 'torch' in sys.modules, 'transformers' in sys.modules)")


def _median_run(command: list[str], repeat: int, parse: Callable[[str, float], float]) -> tuple[float, str]:
    values, last = [], ""
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"{command} failed: {done.stderr[-500:]}")
        last = done.stdout
        values.append(parse(done.stdout, elapsed))
    return statistics.median(values), last


def bench_startup(quick: bool) -> tuple[list[Row], dict]:
    repeat = 3 if quick else 5
    import_s, out = _median_run([sys.executable, "-c", IMPORT_PROBE], repeat, lambda s, _: float(s.split()[0]))
    torch_loaded = out.split()[1] == "True" or out.split()[2] == "True"
    script = Path(sys.executable).with_name("hugginggpt")
    cli = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "hugginggpt_tools", "--help"]
    help_s, _ = _median_run(cli, repeat, lambda _, elapsed: elapsed)
    bare_s, _ = _median_run([sys.executable, "-c", "pass"], repeat, lambda _, elapsed: elapsed)
    rows = [Row("startup", "import hugginggpt_tools", round(import_s, 3), "s", "<= 0.3", import_s <= 0.3,
                f"median of {repeat} fresh processes"),
            Row("startup", "torch/transformers imported by it", str(torch_loaded), "", "False", not torch_loaded),
            Row("startup", "hugginggpt --help (whole process)", round(help_s, 3), "s", "<= 0.5", help_s <= 0.5,
                f"bare interpreter start {bare_s:.3f} s")]
    return rows, {"import_s": import_s, "help_s": help_s, "interpreter_s": bare_s, "torch_imported": torch_loaded,
                  "repeat": repeat}


# --- 4. main job --------------------------------------------------------------------------------


def bench_main_job(quick: bool) -> tuple[list[Row], dict]:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "main_job.py"), "--repeat", "2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    if done.returncode:
        return [Row("main_job", "cold/warm request", "failed", note=done.stderr.strip()[-200:])], {}
    data = json.loads((RESULTS / "main_job.json").read_text())
    cold, warm = data["cold request (incl. import)"], data["warm request (median)"]
    ratio = warm / cold
    rows = [Row("main_job", "cold request (incl. import)", round(cold, 3), "s"),
            Row("main_job", "warm request (median of 2)", round(warm, 3), "s"),
            Row("main_job", "warm / cold", round(ratio, 3), "x", "<= 0.2", ratio <= 0.2)]
    return rows, data


# --- 5. planner and index latency ---------------------------------------------------------------


def planner_latency() -> tuple[Row, dict]:
    from hugginggpt_tools.planning import OfflinePlanner
    from hugginggpt_tools.taskbench import load_requests, request_text
    from hugginggpt_tools.toolgraph import ToolGraph

    data = ROOT.parent / "shared" / "data" / "taskbench_hf" / "dev.jsonl"
    tools = ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json"
    if not data.exists():
        data = ROOT / "benchmarks" / "data" / "own_taskbench.jsonl"
    rows = load_requests(data)
    planner = OfflinePlanner(ToolGraph.load(tools))
    planner.plan(request_text(rows[0]))  # loads the embedding model
    times = []
    for row in rows:
        started = time.perf_counter()
        planner.plan(request_text(row))
        times.append(time.perf_counter() - started)
    p50 = statistics.median(times) * 1000
    return (Row("latency", "offline planner p50 per request", round(p50, 2), "ms",
                note=f"{len(rows)} requests of {data.name}, warm model, 1 thread"),
            {"data": data.name, "p50_ms": p50, "max_ms": max(times) * 1000})


def search_rows(label: str, query: dict) -> list[Row]:
    s, r = query["search"], query["ranked"]
    return [Row("latency", f"model search p50 / p99, {label}", f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f}", "ms",
                note=f"full ranking p50 {r['p50_ms']:.2f} ms, "
                     f"recall@5 {query['recall_at_5']:.3f}")]


def bench_latency(quick: bool, scale_n: int) -> tuple[list[Row], dict]:
    import index_scale

    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.model_index.index import load_default_index

    row, planner = planner_latency()
    rows, data = [row], {"planner": planner}
    labels = [json.loads(line) for line in index_scale.LABELS.read_text().splitlines() if line.strip()]
    index = load_default_index(Settings())
    shipped = index_scale.measure_queries(index, labels, rounds=2)
    rows += search_rows(f"{len(index.cards)} cards (shipped)", shipped)
    data["search_shipped"] = {"cards": len(index.cards), **shipped}
    if scale_n:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "index_scale.py"), "--n", str(scale_n),
                               "--rounds", "2", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=1800)
        if done.returncode:
            rows.append(Row("latency", f"model search, {scale_n:,} cards", "failed", note=done.stderr.strip()[-200:]))
        else:
            report = json.loads(done.stdout)
            rows += search_rows(f"{scale_n:,} synthetic cards", report["query"])
            data[f"search_{scale_n}"] = report
    report = saved_scale_report(100_000)
    if report:
        rows += search_rows("100,000 synthetic cards (saved run)", report["query"])
        data["search_100000"] = report
    else:
        rows.append(Row("latency", "model search, 100,000 cards", "not run",
                        note="benchmarks/index_scale.py --json > benchmarks/results/index_scale_100000.json"))
    return rows, data


def saved_scale_report(n: int) -> dict | None:
    """A saved ``index_scale.py`` report for ``n`` cards: ``--json`` output, or the flat summary file."""
    for path in (RESULTS / f"index_scale_{n}.json", RESULTS / "index_scale.json"):
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if report.get("n") != n or "query" not in report:
            continue
        q = report["query"]
        if "search" not in q:  # the flat summary: search_p50_ms, full_score_p50_ms, ...
            q = {"search": {"p50_ms": q["search_p50_ms"], "p99_ms": q["search_p99_ms"]},
                 "ranked": {"p50_ms": q["full_score_p50_ms"], "p99_ms": q["full_score_p99_ms"]},
                 "recall_at_5": q["recall_at_5_vs_exact"]}
        return {**report, "query": q, "file": path.name}
    return None


# --- the table ----------------------------------------------------------------------------------


def format_table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table."""
    header = ("section", "measure", "value", "target", "met", "note")
    lines = [[r.section, r.measure, f"{r.value} {r.unit}".strip(), r.target,
              "" if r.met is None else ("yes" if r.met else "NO"), r.note] for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header[:-1])]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  note"]
    out.append("  ".join("-" * w for w in widths) + "  ----")
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths)) + "  " + line[-1] for line in lines]
    return "\n".join(out)


def summary(rows: list[Row]) -> str:
    """One line: how many targets are met, and which are missed."""
    judged = [r for r in rows if r.met is not None]
    missed = [f"{r.section}: {r.measure}" for r in judged if not r.met]
    text = f"targets met: {len(judged) - len(missed)}/{len(judged)}"
    return text + (f"; missed: {'; '.join(missed)}" if missed else "; all met")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_SECTIONS)}")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run these sections")
    parser.add_argument("--scale-n", type=int, default=10_000, help="synthetic cards for the index test (0: skip)")
    parser.add_argument("--output", type=Path, default=RESULTS / "run_all.json", help="JSON results file")
    args = parser.parse_args(argv)
    chosen = args.only or (QUICK_SECTIONS if args.quick else SECTIONS)
    benches = {"executor": bench_executor, "llm": bench_llm, "startup": bench_startup, "main_job": bench_main_job,
               "latency": lambda quick: bench_latency(quick, args.scale_n)}
    rows: list[Row] = []
    details: dict[str, Any] = {}
    for name in SECTIONS:
        if name in chosen:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            section_rows, details[name] = benches[name](args.quick)
            rows += section_rows
    print(format_table(rows))
    line = summary(rows)
    print(line)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "sections": list(chosen), "rows": [asdict(r) for r in rows], "details": details, "summary": line,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
    }, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
