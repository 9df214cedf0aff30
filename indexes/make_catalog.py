"""Convert JARVIS's model catalog (``p0_models.jsonl``) into the catalog shipped here.

Usage::

    .venv/bin/python indexes/make_catalog.py /path/to/p0_models.jsonl
    .venv/bin/python indexes/make_catalog.py /path/to/p0_models.jsonl --out indexes/catalog/jarvis_p0.jsonl --max-chars 1500

The source is ``hugginggpt/server/data/p0_models.jsonl`` of microsoft/JARVIS (MIT licence): 673
Hugging Face model cards, 30 or fewer per HuggingGPT task type. For each line this script keeps

* ``id``, ``task``, ``pipeline_tag``, ``downloads``, ``likes``,
* ``meta`` reduced to ``tags``, ``language``, ``license`` and ``datasets`` (a missing ``language``
  is taken from the card's ``languages`` key; absent or empty keys are dropped),
* ``description``: the README body with fenced code blocks, HTML tags and comments, images,
  bare URLs and markdown markup removed, links replaced by their text, whitespace collapsed, and
  cut at a word boundary to at most ``--max-chars`` characters (an ellipsis marks a cut); the
  Hub's "Entry not found" placeholder (no README) becomes an empty description.

It also copies the ``LICENSE`` file found next to the input to ``LICENSE-JARVIS`` beside the
output. The script needs the package installed (it cleans READMEs with the package's
``model_index.readme.clean_markdown``) and is deterministic: rerunning it on the same input gives
the same bytes. The package reads the result with
``hugginggpt_tools.model_index.catalog.jarvis_cards``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from hugginggpt_tools.model_index.readme import clean_markdown

DEFAULT_OUT = Path(__file__).resolve().parent / "catalog" / "jarvis_p0.jsonl"
META_KEYS = ("tags", "language", "license", "datasets")


def clean_description(text: str | None, max_chars: int = 1500) -> str:
    """``text`` (markdown) as plain text of at most ``max_chars`` characters (the package's
    :func:`~hugginggpt_tools.model_index.readme.clean_markdown`, which cards refreshed from the
    Hub go through too). The Hub's "Entry not found" (a card without a README) becomes an empty
    description."""
    return clean_markdown(text, max_chars)


def clean_meta(meta: Any) -> dict[str, Any]:
    """The card's metadata reduced to :data:`META_KEYS`, empty values dropped."""
    meta = meta if isinstance(meta, dict) else {}
    if not meta.get("language") and meta.get("languages"):
        meta = {**meta, "language": meta["languages"]}
    return {k: meta[k] for k in META_KEYS if meta.get(k) not in (None, "", [])}


def convert_row(row: dict[str, Any], max_chars: int = 1500) -> dict[str, Any]:
    """One JARVIS catalog line in the shipped format."""
    return {
        "id": row["id"],
        "task": row["task"],
        "pipeline_tag": row.get("pipeline_tag") or row["task"],
        "downloads": int(row.get("downloads") or 0),
        "likes": int(row.get("likes") or 0),
        "meta": clean_meta(row.get("meta")),
        "description": clean_description(row.get("description"), max_chars),
    }


def convert(source: Path, out: Path, max_chars: int = 1500) -> int:
    """Convert ``source`` into ``out``; copy the source's LICENSE beside it. Returns the row count."""
    rows = []
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(convert_row(json.loads(line), max_chars))
                except (ValueError, KeyError) as exc:
                    raise SystemExit(f"{source}:{number}: not a JARVIS catalog line ({exc})") from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    licence = source.parent / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, out.parent / "LICENSE-JARVIS")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="JARVIS's p0_models.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output JSONL (default {DEFAULT_OUT})")
    parser.add_argument("--max-chars", type=int, default=1500, help="longest description kept (default 1500)")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        parser.error(f"no such file: {args.source}")
    count = convert(args.source, args.out, args.max_chars)
    sys.stdout.write(f"wrote {count} model cards to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
