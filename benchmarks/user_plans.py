"""The offline planner's plans for requests written the way users type them, for reading and diffing.

    .venv/bin/python benchmarks/user_plans.py [--data benchmarks/data/user_requests.txt] [--words] > plans.txt

Prints each request (``##``) and its plan over the registry: one line per task (id, type, what it
depends on, its arguments), then what the plan reports missing. There is no score: these requests
have no labels. Run it before and after a planner change and ``diff`` the two outputs; every
changed plan is a change a user would see. ``--words`` plans with the cue rules alone (no
embedding model). The requests were written for this project (none comes from TaskBench).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "benchmarks" / "data" / "user_requests.txt"),
                        help="one request per line ('#' lines are comments)")
    parser.add_argument("--words", action="store_true", help="the cue rules alone (no embedding model)")
    args = parser.parse_args()

    from hugginggpt_tools.planning import OfflinePlanner

    planner = OfflinePlanner(matcher=False) if args.words else OfflinePlanner()
    requests = [line.strip() for line in Path(args.data).read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    for request, plan in zip(requests, planner.plan_batch(requests)):
        print("##", request)
        for task in plan.tasks:
            print(f"   {task.id}: {task.task} dep={task.dep} {dict(task.args)}")
        for missing in plan.missing:
            print("   MISSING:", missing)


if __name__ == "__main__":
    main()
