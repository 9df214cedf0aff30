"""``hugginggpt index ...``: build (and later refresh) the model index."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def cmd_index_build(args: argparse.Namespace) -> int:
    from ..config import get_settings
    from ..model_index.index import build_default_index

    settings = get_settings()
    folder = Path(args.output) if args.output else settings.index_dir
    index = build_default_index(folder, num_threads=settings.num_threads)
    print(f"Built an index of {len(index.cards)} model cards in {folder}")
    return 0


def register(sub: Any) -> None:
    index = sub.add_parser("index", help="model index commands")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="rebuild the model index from the catalog")
    build.add_argument("--output", help="index folder (default: HUGGINGGPT_INDEX_DIR or indexes/default)")
    build.set_defaults(func=cmd_index_build)
