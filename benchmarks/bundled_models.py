"""Cold and warm latency of every bundled model on the example inputs, one fresh process per model.

    .venv/bin/python benchmarks/bundled_models.py [--repeat 5] [--threads 1]

Cold = a fresh Python process importing the package, loading the model and running the first
inference (what a first request pays); warm = the median of the next ``--repeat`` inferences
with the model loaded. Prints a Markdown table and writes ``benchmarks/results/bundled_models.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
INPUTS: dict[str, dict[str, str]] = {
    "bundled/rapidocr-ppocrv4": {"image": str(EXAMPLES / "invoice.png")},
    "bundled/piper-en_US-joe-medium": {"text": "Invoice 1042 is due on Friday. Total amount: 250 dollars."},
    "bundled/efficientnet-lite0": {"image": str(EXAMPLES / "portrait.jpg")},
    "bundled/faster-whisper-tiny.en": {"audio": str(EXAMPLES / "speech.wav")},
    "bundled/spacy-en_core_web_sm": {"text": "Hello, this is Sarah from Microsoft. Our meeting in New York is moved "
                                             "to Tuesday."},
    "bundled/opencv-haar-faces-people": {"image": str(EXAMPLES / "portrait.jpg")},
    "bundled/rnnoise": {"audio": str(EXAMPLES / "noisy_speech.wav")},
    "bundled/silero-vad": {"audio": str(EXAMPLES / "noisy_speech.wav")},
    "bundled/fasttext-lid176": {"text": "Le chat dort sur le canapé depuis ce matin."},
    "bundled/vader-sentiment": {"text": "The staff were friendly, but the food arrived cold and late."},
    "bundled/all-MiniLM-L6-v2": {"text": "A man is playing a guitar", "text2": "Someone plays an instrument"},
    "bundled/minilm-extractive-summarizer": {"text": (
        "The city council met on Monday to approve the new budget. The budget raises school funding by five "
        "percent, the largest increase in a decade. The extra money will hire forty teachers and repair old "
        "classrooms. Spending on road repairs falls by two percent. Some residents say potholes are already a "
        "problem. The mayor said the changes reflect the spring survey, where schools ranked first. Teachers' "
        "unions welcomed the increase. A final vote is planned for next month.")},
}
"""The input of each model (the examples' inputs: 4.8 s of speech, a 320x375 photo, ...)."""


def measure_one(model_id: str, repeat: int, threads: int) -> dict[str, float]:
    """In this (fresh) process: import, load and first inference, then warm inferences."""
    started = time.perf_counter()
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled import BUNDLED_MODELS, BundledBackend
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.schemas import ModelCard

    settings = Settings(num_threads=threads)
    cls = BUNDLED_MODELS[model_id]
    card = ModelCard(id=model_id, task=cls.task, backends=["bundled"])
    backend = BundledBackend(settings)
    ctx = RunContext(store=ArtifactStore(tempfile.mkdtemp(prefix="hg-bench-")), settings=settings, task=cls.task)
    imported = time.perf_counter()
    backend._model(model_id, settings)  # load only
    loaded = time.perf_counter()
    backend.run(card, cls.task, INPUTS[model_id], ctx)
    first = time.perf_counter()
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        backend.run(card, cls.task, INPUTS[model_id], ctx)
        warm.append(time.perf_counter() - t)
    return {"import_s": imported - started, "load_s": loaded - imported, "first_s": first - loaded,
            "cold_s": first - started, "warm_s": statistics.median(warm)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm inferences per model")
    parser.add_argument("--threads", type=int, default=1, help="torch / ONNX threads (HUGGINGGPT_NUM_THREADS)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.repeat, args.threads)))
        return
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": str(args.threads)}
    rows = {}
    for model_id in INPUTS:
        proc = subprocess.run([sys.executable, __file__, "--one", model_id, "--repeat", str(args.repeat),
                               "--threads", str(args.threads)], capture_output=True, text=True, env=env, cwd=ROOT)
        if proc.returncode != 0:
            sys.exit(f"{model_id} failed:\n{proc.stderr[-2000:]}")
        rows[model_id] = json.loads(proc.stdout.strip().splitlines()[-1])
    print("| model | task | package import | load | first inference | cold total | warm (median) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    from hugginggpt_tools.backends.bundled import BUNDLED_MODELS

    for model_id, r in rows.items():
        print(f"| {model_id} | {BUNDLED_MODELS[model_id].task} | {r['import_s']:.2f} s | {r['load_s']:.2f} s | "
              f"{1000 * r['first_s']:.1f} ms | {r['cold_s']:.2f} s | {1000 * r['warm_s']:.2f} ms |")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bundled_models.json").write_text(json.dumps({"threads": args.threads, "repeat": args.repeat,
                                                         "models": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
