"""How good and how fast the bundled extractive summarizer is, against lead baselines.

    .venv/bin/python benchmarks/summarization.py [--big-mb 1.5] [--threads 1]

Summarizes each text of ``benchmarks/data/summarization.jsonl``, ``summarization_more.jsonl`` and
``summarization_letters.jsonl`` (43 + 8 + 6 texts written for this project; the 8 more lists, receipts,
notices and texts whose point comes last, the three kinds it did worst on, were added before the
summarizer was changed for them; the 6 more, e-mails with header lines and groups of two or three texts
summarized together ("summarize them together": an item's ``texts`` joined by
:data:`~hugginggpt_tools.backends.bundled_text.TEXTS_SEPARATOR`, as the planner joins them), were written
with the summarizer's change for them and before it was measured on them; none copied from a dataset,
each with a reference summary written by hand in its own words; by
``category``: news, emails, product reviews, how-tos and recipes, stories, reports and announcements,
speech-recognition transcripts with filler words and no punctuation, OCR output of a receipt, a
slide and a notice in short lines, bulleted and numbered lists, single long paragraphs, texts of
one to three sentences, and texts whose key point comes last) with
``bundled/minilm-extractive-summarizer`` at its default length, and scores the summary against the
reference with ROUGE-1 and ROUGE-L F1 (lower-cased words, no stemming; implemented here), per text,
per category and overall. Rows:

- ``lead-3``: the text's first three sentences (the usual news baseline);
- ``lead-k``: its first k sentences, k the summarizer's own length (the same budget);
- ``centrality only``: the summarizer scoring sentences by their mean similarity to all the others
  (undirected, no threshold), with no length prior and no MMR: what it picked before those were
  added;
- ``directed only``, ``no length prior``, ``no MMR``, ``no word floor`` (no sentences added to reach
  ``min_words`` words), ``no conclusion cue`` ("In short, ..." not raised): the summarizer with
  parts off (ablations);
- ``summarizer``: the bundled summarizer as shipped.

Then times one summary of a ``--big-mb`` text (default 1.5 MB; 0 skips it), made by joining the
Markdown and text files of the installed packages and of this project (licences, READMEs, docs:
varied prose, built on the fly, never stored). Prints Markdown tables and writes
``benchmarks/results/summarization.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = tuple(ROOT / "benchmarks" / "data" / name for name in ("summarization.jsonl", "summarization_more.jsonl",
                                                              "summarization_letters.jsonl"))
REQUEST = "Summarize this text."
VARIANTS: dict[str, dict[str, float]] = {
    "centrality only": {"edge_threshold": 0.0, "backward_weight": 1.0, "short_words": 0, "long_words": 0,
                        "mmr_penalty": 0.0, "min_words": 0, "bridge_weight": 1.0, "conclusion_weight": 0.0},
    "directed only": {"short_words": 0, "long_words": 0, "mmr_penalty": 0.0, "min_words": 0, "bridge_weight": 1.0,
                      "conclusion_weight": 0.0},
    "no length prior": {"short_words": 0, "long_words": 0},
    "no MMR": {"mmr_penalty": 0.0},
    "no word floor": {"min_words": 0},
    "no conclusion cue": {"conclusion_weight": 0.0},
}
"""Ablations: the summarizer with some of its parts off (its attributes overridden)."""


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits), as ROUGE scores them without stemming."""
    return re.findall(r"[^\W_]+", text.lower())


def f1(overlap: int, candidate: int, reference: int) -> float:
    if not overlap:
        return 0.0
    precision, recall = overlap / candidate, overlap / reference
    return 2 * precision * recall / (precision + recall)


def rouge_1(candidate: str, reference: str) -> float:
    """ROUGE-1 F1: shared words (counted with multiplicity) over the candidate's and the reference's."""
    cand, ref = Counter(words(candidate)), Counter(words(reference))
    return f1(sum((cand & ref).values()), sum(cand.values()), sum(ref.values()))


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1: the longest common subsequence of words over the candidate's and reference's lengths."""
    cand, ref = words(candidate), words(reference)
    previous = [0] * (len(ref) + 1)
    for token in cand:
        row = [0]
        for j, other in enumerate(ref):
            row.append(previous[j] + 1 if token == other else max(previous[j + 1], row[j]))
        previous = row
    return f1(previous[-1], len(cand), len(ref))


def big_text(megabytes: float) -> str:
    """About ``megabytes`` MB of varied prose: the installed packages' and this project's Markdown and
    text files that read as prose (a sentence end every 800 characters or more often: no word lists,
    tables or code dumps), up to 100 kB of each, cycled through until the size is reached."""
    found: set[Path] = set()
    for root in (Path(sys.prefix) / "lib", ROOT / "hugginggpt_tools", ROOT.parent / "shared" / "docs"):
        for pattern in ("*.md", "*.txt", "*.rst"):
            found.update(p.resolve() for p in root.rglob(pattern))
    texts = []
    for path in sorted(found):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len(text) >= 1000 and len(re.findall(r"[a-z][.!?]\s+[A-Z]", text)) >= len(text) / 800:
            texts.append(text[:100_000])
    if not texts:
        raise SystemExit("no prose files found to build the long text; pass --big-mb 0 to skip it")
    parts, size = [], 0
    while size < megabytes * 1e6:
        text = texts[len(parts) % len(texts)]
        parts.append(text)
        size += len(text.encode()) + 2
    return "\n\n".join(parts).encode()[:int(megabytes * 1e6)].decode(errors="ignore")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append",
                        help="a JSONL file of {id, kind, category, text or texts, reference} (category optional; "
                             "repeatable; default: the three files of benchmarks/data)")
    parser.add_argument("--big-mb", type=float, default=1.5, help="size of the timed long text (0: skip)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled_text import TEXTS_SEPARATOR, MiniLMExtractiveSummarizer, split_sentences
    from hugginggpt_tools.config import Settings

    settings = Settings(num_threads=args.threads)
    ctx = RunContext(store=ArtifactStore(tempfile.mkdtemp(prefix="hg-bench-")), settings=settings,
                     task="summarization", request=REQUEST)
    model = MiniLMExtractiveSummarizer(settings)
    model.load()
    variants = {}
    for name, overrides in VARIANTS.items():
        variant = MiniLMExtractiveSummarizer(settings)
        variant.embedder = model.embedder
        for attribute, value in overrides.items():
            setattr(variant, attribute, value)
        variants[name] = variant

    items = [json.loads(line) for path in args.data or DATA
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:  # several texts summarized together: joined as the planner joins them
        item.setdefault("text", TEXTS_SEPARATOR.join(item.get("texts", [])))
    methods = ("lead-3", "lead-k", *VARIANTS, "summarizer")
    rows: list[dict[str, Any]] = []
    for item in items:
        sentences = split_sentences(item["text"])
        out = model.predict({"text": item["text"]}, ctx)
        k = len(out.data["sentences"])
        summaries = {"lead-3": " ".join(sentences[:3]), "lead-k": " ".join(sentences[:k]),
                     **{name: variant.predict({"text": item["text"]}, ctx).text for name, variant in variants.items()},
                     "summarizer": out.text}
        row: dict[str, Any] = {"id": item["id"], "kind": item["kind"], "category": item.get("category", item["kind"]),
                               "sentences": len(sentences), "k": k, "picked": out.data["sentences"]}
        for method, summary in summaries.items():
            row[method] = {"rouge1": rouge_1(summary, item["reference"]), "rougeL": rouge_l(summary, item["reference"])}
        rows.append(row)

    print(f"| text | kind | sentences | picked | {' | '.join(f'{m} R1/RL' for m in methods)} |")
    print("|---|---|---|---|" + "---|" * len(methods))
    for row in rows:
        cells = " | ".join(f"{row[m]['rouge1']:.2f}/{row[m]['rougeL']:.2f}" for m in methods)
        print(f"| {row['id']} | {row['kind']} | {row['sentences']} | {row['picked']} | {cells} |")
    means = {m: {s: statistics.mean(r[m][s] for r in rows) for s in ("rouge1", "rougeL")} for m in methods}
    categories = sorted({row["category"] for row in rows})
    by_category = {c: {m: {s: statistics.mean(r[m][s] for r in rows if r["category"] == c) for s in ("rouge1", "rougeL")}
                       for m in methods} for c in categories}
    print(f"\n| category | texts | {' | '.join(f'{m} R1/RL' for m in methods)} |")
    print("|---|---|" + "---|" * len(methods))
    for category in categories:
        cells = " | ".join(f"{by_category[category][m]['rouge1']:.3f}/{by_category[category][m]['rougeL']:.3f}"
                           for m in methods)
        print(f"| {category} | {sum(r['category'] == category for r in rows)} | {cells} |")
    print(f"\n| method | ROUGE-1 F1 | ROUGE-L F1 |  ({len(rows)} texts)\n|---|---|---|")
    for method in methods:
        print(f"| {method} | {means[method]['rouge1']:.3f} | {means[method]['rougeL']:.3f} |")

    timing: dict[str, Any] = {}
    if args.big_mb > 0:
        text = big_text(args.big_mb)
        started = time.perf_counter()
        out = model.predict({"text": text}, ctx)
        seconds = time.perf_counter() - started
        timing = {"chars": len(text), "bytes": len(text.encode()), "sentences": out.data["of"], "seconds": seconds,
                  "picked": out.data["sentences"]}
        print(f"\n{len(text.encode()) / 1e6:.2f} MB text, {out.data['of']} sentences: {seconds:.1f} s "
              f"({args.threads} thread(s)); summary of {len(out.data['sentences'])} sentences")

    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "summarization.json").write_text(json.dumps(
        {"threads": args.threads, "request": REQUEST, "means": means, "by_category": by_category, "texts": rows,
         "big_text": timing},
        indent=1) + "\n")


if __name__ == "__main__":
    main()
