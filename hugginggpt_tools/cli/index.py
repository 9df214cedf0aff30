"""``hugginggpt index ...``: build the model index; refresh the catalog from the Hub."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_index_build(args: argparse.Namespace) -> int:
    from ..config import get_settings
    from ..model_index.index import build_default_index

    settings = get_settings(num_threads=args.threads)
    folder = Path(args.output) if args.output else settings.index_dir
    index = build_default_index(folder, num_threads=settings.num_threads)
    print(f"Built an index of {len(index.cards)} model cards ({index.index_type}) in {folder}")
    return 0


def cmd_index_refresh(args: argparse.Namespace) -> int:
    from ..config import get_settings, hf_token
    from ..model_index.refresh import refresh_catalog
    from ..model_index.user_catalog import UserCatalog, update_default_index

    settings = get_settings(num_threads=args.threads)
    catalog = UserCatalog(settings.catalog_dir)
    result = refresh_catalog(catalog, tasks=args.task, limit=args.limit, endpoint=args.endpoint,
                             token=hf_token(), readme=not args.no_readme, progress=not args.quiet)
    resumed = f", {result.resumed} already fetched by an interrupted run" if result.resumed else ""
    print(f"Fetched {result.written} model cards for {len(result.tasks)} task types{resumed} "
          f"into {catalog.hub_file}")
    if args.no_merge:
        print("Not merged into the index yet (--no-merge); the next run merges them.")
        return 0
    print("Embedding new and changed cards into the index ...", file=sys.stderr, flush=True)
    index = update_default_index(settings)
    print(f"The index now holds {len(index)} model cards ({index.index_type}) in {catalog.index_dir}")
    return 0


def register(sub: Any) -> None:
    index = sub.add_parser("index", help="model index commands")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="rebuild the model index from the catalog")
    build.add_argument("--output", help="index folder (default: HUGGINGGPT_INDEX_DIR or indexes/default)")
    build.add_argument("--threads", type=int, help="embedding threads (default: HUGGINGGPT_NUM_THREADS or 1)")
    build.set_defaults(func=cmd_index_build)

    refresh = index_sub.add_parser(
        "refresh", help="pull the most downloaded models per task from the Hub into the user catalog",
        description="Lists the LIMIT most downloaded models of each task type on the Hub, reads their "
        "model cards, stores them in the user catalog (HUGGINGGPT_CATALOG_DIR) and merges them into the "
        "index incrementally. Interrupted runs resume where they stopped; rate limits are waited out.")
    refresh.add_argument("--task", action="append", help="task type to refresh (repeatable; default: all)")
    refresh.add_argument("--limit", type=int, default=100, help="models per task type (default 100)")
    refresh.add_argument("--endpoint", help="Hub endpoint (default: HF_ENDPOINT or https://huggingface.co)")
    refresh.add_argument("--no-readme", action="store_true", help="skip the model card text (one request less per model)")
    refresh.add_argument("--no-merge", action="store_true", help="only fetch; merge into the index later")
    refresh.add_argument("--threads", type=int, help="embedding threads (default: HUGGINGGPT_NUM_THREADS or 1)")
    refresh.add_argument("--quiet", action="store_true", help="no progress bar")
    refresh.set_defaults(func=cmd_index_refresh)
