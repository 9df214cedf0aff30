"""How long a user waits: import, the offline planner cold and warm, the main job end to end, index build.

    .venv/bin/python benchmarks/startup.py [--repeat 3] [--skip-index] [--skip-run] [--out FILE]

Every measurement runs in a fresh Python process (one thread: ``OMP_NUM_THREADS=1``), ``--repeat``
times, and the table gives the median (and the spread, min-max). On a shared machine the medians
move with the load: compare numbers taken side by side.

* ``import hugginggpt_tools``: the package alone (its public names load their modules on first use);
* planner cold, first plan: ``from hugginggpt_tools.planning import OfflinePlanner``, build it, plan
  the README's main job (that loads torch and the MiniLM encoder), all in a new process;
* planner cold, matcher request: the same for a request with a clause no cue names, which also
  needs the embedded example phrasings (kept in ``HUGGINGGPT_CACHE_DIR`` after the first run);
* planner warm plan p50: the median time of a plan once the planner has planned before;
* ``hugginggpt run`` main job: from the command's start to its ``[plan]`` progress line, to the
  answer on stdout, and to the process's exit;
* ``hugginggpt index build``: cards embedded per second (the whole catalog, into a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HUGGINGGPT = str(Path(PYTHON).with_name("hugginggpt"))
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
       "TOKENIZERS_PARALLELISM": "false", "HUGGINGGPT_NUM_THREADS": "1"}

MAIN_JOB = ("Read the text in examples/invoice.png aloud", ["examples/invoice.png"])
MATCHER_JOB = ("Tell me how happy the speaker sounds in call.wav", ["call.wav"])
WARM_REQUESTS = [
    MAIN_JOB,
    ("Summarize report.txt and translate the summary into German", ["report.txt"]),
    ("Transcribe meeting.wav, then find the names of people in the transcript", ["meeting.wav"]),
    ("Classify photo.jpg and describe what is in it", ["photo.jpg"]),
    MATCHER_JOB,
]

_PLAN_CHILD = """
import json, statistics, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from hugginggpt_tools.planning import OfflinePlanner
t1, c1 = time.perf_counter(), time.process_time()
planner = OfflinePlanner()
t2, c2 = time.perf_counter(), time.process_time()
request, files = json.loads(sys.argv[1])
planner.plan(request, files=files)
t3, c3 = time.perf_counter(), time.process_time()
warm = []
for _ in range(int(sys.argv[3])):
    for request, files in json.loads(sys.argv[2]):
        s = time.perf_counter(); planner.plan(request, files=files); warm.append(time.perf_counter() - s)
print(json.dumps({"import": t1 - t0, "init": t2 - t1, "first": t3 - t2, "cold": t3 - t0,
                  "cpu_import": c1 - c0, "cpu_init": c2 - c1, "cpu_first": c3 - c2, "cpu_cold": c3 - c0,
                  "warm_p50": statistics.median(warm) if warm else None}))
"""

_IMPORT_CHILD = """
import json, time
t0 = time.perf_counter()
import hugginggpt_tools
print(json.dumps({"import": time.perf_counter() - t0}))
"""

_INDEX_CHILD = """
import json, sys, time
from hugginggpt_tools.model_index.index import build_default_index
t0 = time.perf_counter()
index = build_default_index(sys.argv[1], num_threads=1)
print(json.dumps({"cards": len(index.cards), "seconds": time.perf_counter() - t0}))
"""


def child(code: str, *args: str) -> dict:
    out = subprocess.run([PYTHON, "-c", code, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_main_job(output_dir: str) -> dict:
    """Seconds from ``hugginggpt run``'s start to its plan line, its answer and its exit."""
    request, files = MAIN_JOB
    command = [HUGGINGGPT, "run", request, *[a for f in files for a in ("--file", f)], "--output-dir", output_dir]
    started = time.perf_counter()
    marks: dict[str, float] = {}
    answer: list[str] = []
    process = subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None

    def read_answer(stream) -> None:  # the answer goes to stdout once the last stage is done
        for line in stream:
            marks.setdefault("answer", time.perf_counter() - started)
            answer.append(line)

    reader = threading.Thread(target=read_answer, args=(process.stdout,))
    reader.start()
    errors: list[str] = []
    for line in process.stderr:  # progress lines
        errors.append(line)
        if line.startswith("[plan]"):
            marks.setdefault("plan", time.perf_counter() - started)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = rc = os.waitstatus_to_exitcode(status)
    marks["exit"] = time.perf_counter() - started
    marks["cpu"] = usage.ru_utime + usage.ru_stime
    reader.join()
    if rc != 0 or "plan" not in marks or "answer" not in marks:
        raise SystemExit(f"hugginggpt run exited {rc}: {''.join(answer + errors)[-300:]}")
    return marks


def summary(values: list[float], unit: str = "s", scale: float = 1.0, digits: int = 2) -> str:
    vals = [v * scale for v in values]
    return (f"{statistics.median(vals):.{digits}f} {unit}  ({min(vals):.{digits}f}-{max(vals):.{digits}f})"
            if vals else "n/a")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement (default 3)")
    parser.add_argument("--warm-rounds", type=int, default=3, help="rounds over the warm requests per process")
    parser.add_argument("--skip-index", action="store_true", help="skip the index build (about 20 s per repeat)")
    parser.add_argument("--skip-run", action="store_true", help="skip `hugginggpt run` on the main job")
    parser.add_argument("--out", help="also write the raw numbers (JSON) here")
    args = parser.parse_args()

    raw: dict[str, list] = {"import": [], "planner": [], "planner_matcher": [], "run": [], "index": []}
    for _ in range(args.repeat):
        raw["import"].append(child(_IMPORT_CHILD))
        raw["planner"].append(child(_PLAN_CHILD, json.dumps(MAIN_JOB), json.dumps(WARM_REQUESTS),
                                    str(args.warm_rounds)))
        raw["planner_matcher"].append(child(_PLAN_CHILD, json.dumps(MATCHER_JOB), "[]", "0"))
        if not args.skip_run:
            with tempfile.TemporaryDirectory() as out:
                raw["run"].append(run_main_job(out))
        if not args.skip_index:
            with tempfile.TemporaryDirectory() as out:
                raw["index"].append(child(_INDEX_CHILD, out))

    planner = raw["planner"]

    def both(key: str, rows: list[dict]) -> str:
        return f"{summary([r[key] for r in rows])}   cpu {summary([r['cpu_' + key] for r in rows])}"

    rows = [
        ("import hugginggpt_tools", summary([r["import"] for r in raw["import"]], "ms", 1000, 0)),
        ("planner cold: import planning", both("import", planner)),
        ("planner cold: OfflinePlanner()", both("init", planner)),
        ("planner cold: first plan (main job)", both("first", planner)),
        ("planner cold: import to first plan", both("cold", planner)),
        ("planner cold: first plan, matcher request", both("first", raw["planner_matcher"])),
        ("planner warm plan p50", summary([r["warm_p50"] for r in planner], "ms", 1000, 1)),
    ]
    if raw["run"]:
        rows += [("hugginggpt run main job: to [plan]", summary([r["plan"] for r in raw["run"]])),
                 ("hugginggpt run main job: to the answer", summary([r["answer"] for r in raw["run"]])),
                 ("hugginggpt run main job: process exit", summary([r["exit"] for r in raw["run"]])
                  + f"   cpu {summary([r['cpu'] for r in raw['run']])}")]
    if raw["index"]:
        rows.append(("hugginggpt index build", summary([r["cards"] / r["seconds"] for r in raw["index"]],
                                                        "cards/s", 1.0, 1)
                     + f"  [{raw['index'][0]['cards']} cards]"))
    width = max(len(name) for name, _ in rows)
    print(f"{'measurement':<{width}}  median (min-max) of {args.repeat} fresh processes, one thread: wall clock, "
          "then CPU time (user + system, all threads)")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if args.out:
        Path(args.out).write_text(json.dumps(raw, indent=2))


if __name__ == "__main__":
    main()
