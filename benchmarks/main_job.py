"""Main job timings: the README's offline request, cold and warm, in one process.

    .venv/bin/python benchmarks/main_job.py [--repeat 3]

Cold = first request in a fresh process (imports, index load, model loads, inference);
warm = the same request again with everything loaded. Prints a table and writes
``benchmarks/results/main_job.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
REQUEST = "Read the text in examples/invoice.png aloud"
FILES = [str(ROOT / "examples" / "invoice.png")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm runs")
    args = parser.parse_args()
    os.chdir(ROOT)
    t0 = time.perf_counter()
    from hugginggpt_tools import Settings, create_hugginggpt_agent

    import_s = time.perf_counter() - t0
    settings = Settings.from_env(output_dir=tempfile.mkdtemp(prefix="hg-bench-"))
    agent = create_hugginggpt_agent(settings=settings)
    runs = []
    for _ in range(1 + args.repeat):
        start = time.perf_counter()
        state = agent.invoke({"input": REQUEST, "files": FILES})
        runs.append(time.perf_counter() - start)
        statuses = [r.status for r in state["answer"].results]
        if statuses != ["succeeded"] * len(statuses) or not statuses:
            sys.exit(f"main job failed: {state['output']}")
    cold, warm = import_s + runs[0], statistics.median(runs[1:])
    rows = [("import the agent factory", import_s), ("cold request (incl. import)", cold),
            ("warm request (median)", warm), ("warm / cold", warm / cold)]
    print(f"{'measure':32} {'value':>10}")
    for name, value in rows:
        print(f"{name:32} {value:>10.3f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "main_job.json").write_text(json.dumps(dict(rows), indent=2))


if __name__ == "__main__":
    main()
