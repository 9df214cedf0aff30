"""How often the bundled extractive question answerer quotes the right passage, and says so when the
text does not answer.

    .venv/bin/python benchmarks/qa.py [--data benchmarks/data/qa.jsonl] [--threads 1] [--verbose]

Asks each question of ``benchmarks/data/qa.jsonl`` (94 questions written for this project about 13
short texts of their own: letters and notes with a sign-off, a memo, news, a recipe, a product page,
meeting notes, stories, a notice, a trip report; 62 with an answer, 32 that the text does not answer;
the last 29, about 3 texts, ask for a colour, a place, a time, an amount or a reason, answerable and
not, and were written before the answerer checked those kinds) of ``bundled/minilm-extractive-qa``.
A question with an answer counts as answered right when the model answers (``data["found"]``) with a
passage that holds the expected words (case aside); one without counts as right when the model says
no passage answers it. Prints the share right of each kind and overall, the same by the kind of
answer asked (:func:`~hugginggpt_tools.backends.bundled_minilm.asked_kinds`: colour, place, time,
amount, reason, or other), then for a grid of the abstention thresholds (``confident``, ``floor``),
the shipped pair marked, and writes ``benchmarks/results/qa.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "qa.jsonl"
CONFIDENT = (0.3, 0.35, 0.4, 0.45, 0.5)
FLOOR = (0.1, 0.15, 0.2, 0.25, 0.3)


class _CachedEmbedder:
    """The embedder with each text's vector kept: the threshold grid asks the same questions again."""

    def __init__(self, embedder: Any) -> None:
        self.embedder, self.cache = embedder, {}

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        missing = [text for text in dict.fromkeys(texts) if text not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.embedder.encode(missing)))
        return np.stack([self.cache[text] for text in texts])


def judge(model: Any, ctx: Any, item: dict[str, Any]) -> dict[str, Any]:
    """One question asked: what the model said and whether that was right."""
    out = model.predict({"text": item["question"], "context": item["context"]}, ctx)
    found = bool(out.data["found"])
    expected = item["answer"]
    if expected is None:
        right = not found
    else:
        right = found and expected.lower() in out.data["answer"].lower()
    return {"id": item["id"], "question": item["question"], "expected": expected, "found": found,
            "passage": out.data.get("answer") or out.data.get("closest"), "score": out.data["score"], "right": right}


def tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["expected"] is not None]
    unanswerable = [r for r in rows if r["expected"] is None]
    return {"answered right": sum(r["right"] for r in answerable), "answerable": len(answerable),
            "abstained right": sum(r["right"] for r in unanswerable), "unanswerable": len(unanswerable),
            "accuracy": sum(r["right"] for r in rows) / max(len(rows), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA,
                        help="a JSONL file of {id, context, question, answer} (answer null: not answered)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="print each question answered wrong")
    args = parser.parse_args()

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled_minilm import asked_kinds
    from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveQA
    from hugginggpt_tools.config import Settings

    settings = Settings(num_threads=args.threads)
    ctx = RunContext(store=ArtifactStore(tempfile.mkdtemp(prefix="hg-bench-")), settings=settings,
                     task="question-answering")
    model = MiniLMExtractiveQA(settings)
    model.load()
    model.embedder = _CachedEmbedder(model.embedder)
    items = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]

    rows = [judge(model, ctx, item) for item in items]
    shipped = tally(rows)
    if args.verbose:
        for row in rows:
            if not row["right"]:
                print(f"WRONG {row['id']}: {row['question']!r} expected {row['expected']!r}, "
                      f"found={row['found']} score={row['score']:.2f}: {row['passage']!r}")
    print(f"{len(rows)} questions: answered right {shipped['answered right']}/{shipped['answerable']}, "
          f"abstained right {shipped['abstained right']}/{shipped['unanswerable']}, "
          f"accuracy {shipped['accuracy']:.1%} (confident {model.confident}, floor {model.floor})")

    print("\n| answer asked for | answered right | declined right |\n|---|---|---|")
    kinds = {row["id"]: "+".join(sorted(asked_kinds(row["question"]))) or "other" for row in rows}
    by_kind = {}
    for kind in sorted(set(kinds.values())):
        by_kind[kind] = tally([row for row in rows if kinds[row["id"]] == kind])
        result = by_kind[kind]
        print(f"| {kind} | {result['answered right']}/{result['answerable']} | "
              f"{result['abstained right']}/{result['unanswerable']} |")

    grid = []
    defaults = (model.confident, model.floor)
    print("\n| confident \\ floor | " + " | ".join(str(f) for f in FLOOR) + " |")
    print("|---|" + "---|" * len(FLOOR))
    for confident in CONFIDENT:
        cells = []
        for floor in FLOOR:
            model.confident, model.floor = confident, floor
            result = tally([judge(model, ctx, item) for item in items])
            grid.append({"confident": confident, "floor": floor, **result})
            mark = "*" if (confident, floor) == defaults else ""
            cells.append(f"{result['answered right']}+{result['abstained right']} {result['accuracy']:.1%}{mark}")
        print(f"| {confident} | " + " | ".join(cells) + " |")
    print("\n(cells: answered right + abstained right, accuracy; * the shipped thresholds)")
    model.confident, model.floor = defaults

    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "qa.json").write_text(json.dumps(
        {"confident": defaults[0], "floor": defaults[1], **shipped, "by_kind": by_kind, "grid": grid,
         "questions": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
