"""Retrieval quality of model selection: hit@1 and hit@5 against download rank (JARVIS's method).

The labelled set (``benchmarks/data/retrieval_labels.jsonl``) holds needs written as user
requests, each with its task type and the catalog models that serve it (read off the cards).
For each need, every catalog card of the task type is ranked

* by our score (:mod:`hugginggpt_tools.model_index.ranking`: similarity of the task query to
  the card + log downloads + language match), and
* by downloads only (JARVIS: filter by task type, sort by downloads),

and a need is a hit at k when an acceptable model is among the first k. The controller-LLM
card is left out of both rankings (it can do every text task; the labels do not judge it).
Ablation rows show each part of the score on its own.

    .venv/bin/python benchmarks/retrieval.py                 # the shipped index
    .venv/bin/python benchmarks/retrieval.py --max-tokens 64 # re-embed the catalog, texts cut at 64 tokens
    .venv/bin/python benchmarks/retrieval.py --precision float32  # re-embed the catalog in float32
    .venv/bin/python benchmarks/retrieval.py --misses        # list the needs our ranking misses at 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hugginggpt_tools.model_index.catalog import LLM_MODEL_ID  # noqa: E402
from hugginggpt_tools.model_index.embedding import INDEX_MAX_TOKENS, PRECISIONS  # noqa: E402
from hugginggpt_tools.model_index.index import ModelIndex  # noqa: E402
from hugginggpt_tools.model_index.languages import QueryLanguages  # noqa: E402
from hugginggpt_tools.model_index.ranking import RankingWeights, download_rank, score_positions  # noqa: E402
from hugginggpt_tools.schemas import Task  # noqa: E402
from hugginggpt_tools.selection import task_languages, task_query  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "retrieval_labels.jsonl"
SHIPPED = ROOT / "indexes" / "default"

Ranker = Callable[[ModelIndex, dict, list[int]], list[str]]


def load_labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _positions(index: ModelIndex, task: str) -> list[int]:
    return [p for p in index.positions_for_task(task) if index.card_at(p).id != LLM_MODEL_ID]


def score_ranker(weights: RankingWeights, use_languages: bool = True) -> Ranker:
    def rank(index: ModelIndex, item: dict, positions: list[int]) -> list[str]:
        task = Task(id=0, task=item["task"])
        languages = task_languages(task, item["need"]) if use_languages else QueryLanguages()
        scored = score_positions(index, item["vector"], positions, languages=languages, weights=weights)
        return [s.card.id for s in scored]

    return rank


def downloads_ranker(index: ModelIndex, item: dict, positions: list[int]) -> list[str]:
    return [c.id for c in download_rank(index, positions)]


RANKERS: dict[str, Ranker] = {
    "downloads only (JARVIS)": downloads_ranker,
    "similarity only": score_ranker(RankingWeights(popularity=0, language=0), use_languages=False),
    "similarity + popularity": score_ranker(RankingWeights(language=0), use_languages=False),
    "ours: similarity + popularity + language": score_ranker(RankingWeights()),
}


def evaluate(index: ModelIndex, labels: list[dict]) -> dict[str, dict]:
    """hit@1 and hit@5 (percent) per ranker, and the needs each ranker misses at 5."""
    vectors = index.embed_queries([task_query(Task(id=0, task=i["task"]), i["need"]) for i in labels])
    results: dict[str, dict] = {}
    for name, ranker in RANKERS.items():
        hits1 = hits5 = 0
        misses = []
        for item, vector in zip(labels, vectors):
            ranked = ranker(index, {**item, "vector": vector}, _positions(index, item["task"]))
            good = set(item["acceptable"])
            hits1 += ranked[0] in good
            hit5 = bool(good & set(ranked[:5]))
            hits5 += hit5
            if not hit5:
                misses.append({"need": item["need"], "top5": ranked[:5]})
        results[name] = {"hit@1": 100 * hits1 / len(labels), "hit@5": 100 * hits5 / len(labels), "misses": misses}
    return results


def load_index(max_tokens: int | None, threads: int, precision: str = "auto") -> ModelIndex:
    from hugginggpt_tools.model_index.catalog import default_catalog
    from hugginggpt_tools.model_index.embedding import Embedder

    if max_tokens is None and precision == "auto":
        return ModelIndex.load(SHIPPED, num_threads=threads)
    embedder = Embedder(num_threads=threads, max_seq_length=max_tokens or INDEX_MAX_TOKENS, precision=precision)
    return ModelIndex.build(default_catalog(), embedder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--max-tokens", type=int, help="re-embed the catalog with texts cut at this many tokens")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="re-embed the catalog in this precision (default: the shipped index, queried in 'auto')")
    parser.add_argument("--misses", action="store_true", help="list the needs our ranking misses at 5")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    labels = load_labels(args.labels)
    started = time.perf_counter()
    index = load_index(args.max_tokens, args.threads, args.precision)
    results = evaluate(index, labels)
    tasks = len({i["task"] for i in labels})
    if args.json:
        print(json.dumps({k: {m: v[m] for m in ("hit@1", "hit@5")} for k, v in results.items()}, indent=2))
        return 0
    print(f"{len(labels)} labelled needs over {tasks} task types; catalog of {len(index)} cards "
          f"({index.embedder.name}, max tokens {getattr(index.embedder, 'max_seq_length', None) or 'model default'})")
    print(f"{'ranking':44} {'hit@1':>7} {'hit@5':>7}")
    for name, row in results.items():
        print(f"{name:44} {row['hit@1']:6.1f}% {row['hit@5']:6.1f}%")
    ours, base = results["ours: similarity + popularity + language"], results["downloads only (JARVIS)"]
    print(f"hit@5 gain over downloads only: {ours['hit@5'] - base['hit@5']:+.1f} points "
          f"(hit@1: {ours['hit@1'] - base['hit@1']:+.1f}); {time.perf_counter() - started:.1f} s")
    if args.misses:
        for miss in ours["misses"]:
            print(f"  miss: {miss['need']!r} -> {miss['top5']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
