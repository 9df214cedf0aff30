"""Model index at Hub scale: build throughput, memory and filtered top-5 query latency.

Generates ``--n`` realistic model cards by recombining real catalog fields (each synthetic
card takes a real card's task, organisation and name stem with a fine-tune suffix, tags from
cards of the same task, the first sentences of one real description and one sentence of
another, downloads from a heavy-tailed distribution), embeds them with the bundled MiniLM
(``--threads`` torch threads, texts cut at ``--max-tokens``, ``--precision``), builds the FAISS index (IVF
above ``--approx-threshold`` cards) and then measures, for the labelled needs of
``benchmarks/data/retrieval_labels.jsonl`` as queries:

* ``search``: top-5 with the task-type filter (a FAISS search, vectors precomputed);
* ``ranked``: the full score (similarity + popularity + language) over the 256 most similar
  cards of the task type, top 5 (what ``hugginggpt models search --task`` does);
* the query embedding itself (MiniLM, one text), reported apart;
* recall@5 of the approximate search against exact search with the same filter.

    .venv/bin/python benchmarks/index_scale.py            # 100,000 cards (minutes, both cores)
    .venv/bin/python benchmarks/index_scale.py --n 5000   # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hugginggpt_tools.model_index.catalog import LLM_MODEL_ID, default_catalog  # noqa: E402
from hugginggpt_tools.model_index.embedding import PRECISIONS, Embedder  # noqa: E402
from hugginggpt_tools.model_index.filters import CardFilter  # noqa: E402
from hugginggpt_tools.model_index.index import ModelIndex, embed_cards  # noqa: E402
from hugginggpt_tools.model_index.languages import languages_for_task, query_languages  # noqa: E402
from hugginggpt_tools.model_index.ranking import score_positions  # noqa: E402
from hugginggpt_tools.model_index.vector_store import APPROX_THRESHOLD, DEFAULT_NPROBE, VectorStore  # noqa: E402
from hugginggpt_tools.schemas import ModelCard, Task  # noqa: E402
from hugginggpt_tools.selection import task_query  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "retrieval_labels.jsonl"
SUFFIXES = ["finetuned", "v2", "base", "large", "small", "distilled", "int8", "onnx", "squad2", "sst2", "lora",
            "merged", "ft-custom", "v1.1", "exp", "128k", "gguf", "demo", "pruned", "quantized"]


def rss_mb() -> float:
    """Resident memory of this process now (MiB), from /proc; peak from getrusage elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def synthetic_cards(n: int, seed: int = 0) -> list[ModelCard]:
    """``n`` cards recombined from the real catalog's fields (see the module docstring)."""
    rng = np.random.default_rng(seed)
    real = [c for c in default_catalog() if c.id != LLM_MODEL_ID]
    by_task: dict[str, list[ModelCard]] = {}
    for card in real:
        by_task.setdefault(card.task, []).append(card)
    orgs = sorted({c.id.split("/")[0] for c in real if "/" in c.id})
    licenses = [c.license for c in real if c.license] + [None] * 50
    cards = []
    for i in range(n):
        base = real[int(rng.integers(len(real)))]
        peers = by_task[base.task]
        other = peers[int(rng.integers(len(peers)))]
        stem = base.id.split("/")[-1]
        suffix = SUFFIXES[int(rng.integers(len(SUFFIXES)))]
        tags = list(dict.fromkeys(base.tags[:4] + other.tags[:3]))
        text = " ".join(_sentences(base.description)[:3] + _sentences(other.description)[1:2])
        downloads = int(rng.lognormal(mean=4.0, sigma=2.8))
        cards.append(ModelCard(
            id=f"{orgs[int(rng.integers(len(orgs)))]}/{stem}-{suffix}-{i}", task=base.task,
            backends=["transformers", "hf-inference"], downloads=downloads,
            likes=int(downloads ** 0.5 * rng.random()), description=text, tags=tags,
            languages=list(base.languages[:8]), license=licenses[int(rng.integers(len(licenses)))], source="hub",
            last_modified=f"{int(rng.integers(2020, 2027))}-{int(rng.integers(1, 13)):02d}-15T00:00:00+00:00",
        ))
    return cards


def percentiles(samples: list[float]) -> dict[str, float]:
    values = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(values, 50)), 3), "p99_ms": round(float(np.percentile(values, 99)), 3),
            "mean_ms": round(float(values.mean()), 3)}


def build(cards: list[ModelCard], embedder: Embedder, threshold: int, nprobe: int) -> tuple[ModelIndex, dict]:
    started = time.perf_counter()
    done = [0]

    def progress(count: int) -> None:
        done[0] += count
        if done[0] % 10_240 < count or done[0] == len(cards):
            rate = done[0] / (time.perf_counter() - started)
            print(f"  embedded {done[0]:,}/{len(cards):,} ({rate:,.0f} cards/s)", file=sys.stderr, flush=True)

    vectors = embed_cards(cards, embedder, progress)
    embedded = time.perf_counter()
    store = VectorStore(vectors.shape[1], approx_threshold=threshold, nprobe=nprobe)
    store.add(vectors)
    index = ModelIndex(cards, store, embedder)
    finished = time.perf_counter()
    return index, {
        "embed_s": round(embedded - started, 2), "faiss_s": round(finished - embedded, 2),
        "total_s": round(finished - started, 2), "cards_per_s": round(len(cards) / (finished - started), 1),
        "embed_cards_per_s": round(len(cards) / (embedded - started), 1), "index_type": index.index_type,
    }


def measure_queries(index: ModelIndex, labels: list[dict], rounds: int) -> dict:
    tasks = [Task(id=0, task=item["task"]) for item in labels]
    texts = [task_query(t, item["need"]) for t, item in zip(tasks, labels)]
    embed_times = []
    for text in texts[:50]:
        started = time.perf_counter()
        index.embed_queries([text])
        embed_times.append(time.perf_counter() - started)
    vectors = index.embed_queries(texts)
    search_times, ranked_times, recalls = [], [], []
    for _ in range(rounds):
        for item, vector in zip(labels, vectors):
            started = time.perf_counter()
            hits = index.search(vector, task=item["task"], k=5)
            search_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            where = CardFilter(task=item["task"])
            positions = index.candidate_positions(vector, where, limit=256)
            langs = languages_for_task(query_languages(item["need"]), item["task"])
            score_positions(index, vector, positions, languages=langs)[:5]
            ranked_times.append(time.perf_counter() - started)
            if len(recalls) < len(labels):
                exact = index.store.exact_search(vector[None, :], 5, np.flatnonzero(index.allowed(where)))[1][0]
                found = {index.position_of(c.id, c.task) for c, _ in hits}
                recalls.append(len(found & set(exact.tolist())) / max(1, len(exact)))
    return {"queries": len(search_times), "search": percentiles(search_times), "ranked": percentiles(ranked_times),
            "query_embedding": percentiles(embed_times), "recall_at_5": round(float(np.mean(recalls)), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic cards (default 100,000)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for embedding (default 2)")
    parser.add_argument("--max-tokens", type=int, default=32, help="embedding text limit in tokens (default 32)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="embedding precision (default auto: bfloat16 where the CPU computes it natively)")
    parser.add_argument("--approx-threshold", type=int, default=APPROX_THRESHOLD)
    parser.add_argument("--nprobe", type=int, default=DEFAULT_NPROBE)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the labelled queries (default 5)")
    parser.add_argument("--save", type=Path, help="also save the index here and time a load")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    rss_start = rss_mb()
    cards = synthetic_cards(args.n)
    rss_cards = rss_mb()
    embedder = Embedder(num_threads=args.threads, batch_size=args.batch_size, max_seq_length=args.max_tokens,
                        precision=args.precision)
    embedder.encode(["warm up"])
    rss_model = rss_mb()
    print(f"building an index of {args.n:,} synthetic cards ({args.threads} threads, {args.max_tokens} tokens) ...",
          file=sys.stderr, flush=True)
    index, build_stats = build(cards, embedder, args.approx_threshold, args.nprobe)
    rss_index = rss_mb()
    embedder.num_threads = 1  # queries run with one thread, as Settings.num_threads defaults to
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    query_stats = measure_queries(index, labels, args.rounds)
    report = {
        "n": args.n, "threads": args.threads, "max_tokens": args.max_tokens, "dtype": embedder.dtype, "nprobe": index.store.nprobe,
        "build": build_stats, "query": query_stats,
        "memory_mb": {"cards": round(rss_cards - rss_start, 1), "embedding_model": round(rss_model - rss_cards, 1),
                      "index": round(rss_index - rss_model, 1), "process_peak": round(
                          resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)},
        "load_average_before": [round(v, 2) for v in load_before], "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    if args.save:
        started = time.perf_counter()
        index.save(args.save)
        saved = time.perf_counter()
        ModelIndex.load(args.save, embedder)
        report["files"] = {"save_s": round(saved - started, 2), "load_s": round(time.perf_counter() - saved, 2)}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    b, q, m = report["build"], report["query"], report["memory_mb"]
    print(f"cards: {args.n:,}  index: {b['index_type']} (nprobe {report['nprobe']})  "
          f"embedding: MiniLM {report['dtype']}, {args.threads} threads, {args.max_tokens} tokens")
    print(f"build: {b['total_s']} s = {b['cards_per_s']:,} cards/s including embedding "
          f"(embedding {b['embed_s']} s at {b['embed_cards_per_s']:,}/s; FAISS {b['faiss_s']} s)")
    print(f"memory: cards {m['cards']} MiB, model {m['embedding_model']} MiB, vectors + FAISS {m['index']} MiB, "
          f"peak RSS {m['process_peak']} MiB")
    print(f"top-5 with task filter, {q['queries']} queries: search p50 {q['search']['p50_ms']} ms, "
          f"p99 {q['search']['p99_ms']} ms; full score p50 {q['ranked']['p50_ms']} ms, p99 {q['ranked']['p99_ms']} ms; "
          f"recall@5 vs exact {q['recall_at_5']:.3f}")
    print(f"query embedding (MiniLM, 1 thread): p50 {q['query_embedding']['p50_ms']} ms")
    print(f"load average before {report['load_average_before']}, after {report['load_average_after']} "
          f"({report['cpus']} CPUs)")
    if "files" in report:
        print(f"save {report['files']['save_s']} s, load {report['files']['load_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
