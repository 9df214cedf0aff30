"""``hugginggpt models ...``: search the model index, add and remove user models, list them.

``models search "QUERY" [--task T] [-k N] [--explain] [--json] [--runnable]`` ranks the whole
catalog (or the models a configured backend can run now, with ``--runnable``) by the score of
:mod:`hugginggpt_tools.model_index.ranking`; ``--explain`` shows each part of the score.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import ConfigError

_EXPLAIN_COLUMNS = ("similarity", "popularity", "language", "likes", "recency")


def _settings(args: argparse.Namespace) -> Any:
    from ..config import get_settings

    return get_settings(num_threads=getattr(args, "threads", None))


def _task(name: str | None) -> str | None:
    """The pipeline tag ``--task`` names (an alias resolved), or None when not given; an unknown
    name is an :class:`~hugginggpt_tools.errors.UnknownTaskError` naming the closest task type
    ("image-to-txt": did you mean image-to-text?) and the valid ones, rather than no model found."""
    from ..tasks import get_task

    return get_task(name).name if name else None


def _weights(args: argparse.Namespace, settings: Any) -> Any:
    from ..model_index.ranking import RankingWeights

    return RankingWeights(
        popularity=settings.popularity_weight if args.popularity_weight is None else args.popularity_weight,
        language=args.language_weight, likes=args.likes_weight, recency=args.recency_weight,
    )


def _row(rank: int, item: Any, backend: str | None) -> dict[str, Any]:
    return {"rank": rank, "id": item.card.id, "task": item.card.task, "score": round(item.score, 4),
            **item.components(), "downloads": item.card.downloads, "likes_count": item.card.likes,
            "languages": item.card.languages[:10], "license": item.card.license, "source": item.card.source,
            "runnable": backend}


def _table(rows: list[dict[str, Any]], explain: bool) -> str:
    """``rows`` as an aligned text table (the score's parts as columns with ``explain``)."""
    columns = ["rank", "id", "task", "score", *(_EXPLAIN_COLUMNS if explain else ()), "downloads", "runnable"]
    cells = [[_cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    numeric = {"rank", "score", "downloads", *_EXPLAIN_COLUMNS}
    lines = ["  ".join(c.rjust(w) if c in numeric else c.ljust(w) for c, w in zip(columns, widths))]
    for r in cells:
        lines.append("  ".join(v.rjust(w) if c in numeric else v.ljust(w) for v, c, w in zip(r, columns, widths)))
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def cmd_models_search(args: argparse.Namespace) -> int:
    from ..backends import default_backends
    from ..model_index.filters import CardFilter
    from ..model_index.index import load_default_index
    from ..model_index.ranking import search_ranked

    if args.k < 1:
        raise ConfigError(f"-k must be at least 1, got {args.k}. Try -k 10.")
    task = _task(args.task)  # before the index loads: a misspelt task fails at once
    settings = _settings(args)
    index = load_default_index(settings)
    backends = default_backends(settings)
    runnable = (lambda card: backends.runnable_backend(card) is not None) if args.runnable else None
    where = CardFilter.of(task, args.license, args.language, runnable)
    found = search_ranked(index, args.query, k=args.k, where=where, weights=_weights(args, settings))
    rows = [_row(i, item, backends.runnable_backend(item.card)) for i, item in enumerate(found, 1)]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"No model matches (task={args.task!r}, runnable only: {args.runnable}).")
        return 0
    print(_table(rows, args.explain))
    if args.explain:
        print("\nscore = similarity + popularity + language + likes + recency "
              "(see hugginggpt_tools.model_index.ranking); runnable: the backend that can run it now")
    return 0


def cmd_models_add(args: argparse.Namespace) -> int:
    from ..model_index.user_catalog import register_model

    settings = _settings(args)
    card = register_model(args.model, task=_task(args.task), model_id=args.id, settings=settings,
                          endpoint=args.endpoint, update_index=not args.no_index)
    where = f"; runs from {card.path}" if card.path else ""
    print(f"Added {card.id} ({card.task}) to the user catalog in {settings.catalog_dir}{where}")
    return 0


def cmd_models_remove(args: argparse.Namespace) -> int:
    from ..model_index.user_catalog import unregister_model

    settings = _settings(args)
    gone = unregister_model(args.model, task=_task(args.task), settings=settings)
    print("Removed " + ", ".join(f"{c.id} ({c.task})" for c in gone) + " from the user catalog")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from ..model_index.user_catalog import UserCatalog

    settings = _settings(args)
    catalog = UserCatalog(settings.catalog_dir)
    task = _task(args.task)
    cards = catalog.user_cards() if args.user else catalog.cards()
    if task:
        cards = [c for c in cards if c.task == task]
    if args.json:
        print(json.dumps([c.model_dump(mode="json") for c in cards], indent=2, ensure_ascii=False))
        return 0
    print(f"{len(cards)} {'user' if args.user else 'user and Hub'} model cards in {catalog.folder}")
    for card in cards:
        print(f"  {card.id}  {card.task}  ({card.source}{', ' + card.path if card.path else ''})")
    return 0


def _add_weights(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ranking weights (score = similarity + the weighted parts)")
    group.add_argument("--popularity-weight", type=float, help="log-downloads weight (default 0.15)")
    group.add_argument("--language-weight", type=float, default=0.15, help="language match weight (default 0.15)")
    group.add_argument("--likes-weight", type=float, default=0.0, help="log-likes weight (default 0)")
    group.add_argument("--recency-weight", type=float, default=0.0, help="last-update recency weight (default 0)")


def register(sub: Any) -> None:
    models = sub.add_parser("models", help="search the model index; add or remove your own models")
    models_sub = models.add_subparsers(dest="models_command", required=True)

    search = models_sub.add_parser("search", help="rank the catalog's models for a need")
    search.add_argument("query", help='what the model should do, e.g. "ocr for receipts"')
    search.add_argument("--task", help="only this task type (pipeline tag or alias)")
    search.add_argument("-k", type=int, default=10, help="how many models to show (default 10)")
    search.add_argument("--explain", action="store_true", help="show each part of the score")
    search.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    search.add_argument("--runnable", action="store_true", help="only models a configured backend can run now")
    search.add_argument("--license", action="append", default=[], help="only models under this licence (repeatable)")
    search.add_argument("--language", action="append", default=[], help="only models for this language (repeatable)")
    search.add_argument("--threads", type=int, help="embedding threads (default: HUGGINGGPT_NUM_THREADS or 1)")
    _add_weights(search)
    search.set_defaults(func=cmd_models_search)

    add = models_sub.add_parser("add", help="register a local transformers model folder or a Hub model id")
    add.add_argument("model", help="a folder with config.json (save_pretrained) or a Hub id such as org/name")
    add.add_argument("--task", help="its task type (needed when config.json and README do not tell it)")
    add.add_argument("--id", help="the id to list it under (default: local/<folder name>, or the Hub id)")
    add.add_argument("--endpoint", help="Hub endpoint for a Hub id (default: HF_ENDPOINT or huggingface.co)")
    add.add_argument("--no-index", action="store_true", help="only record it; merge into the index on next load")
    add.add_argument("--threads", type=int, help="embedding threads (default: HUGGINGGPT_NUM_THREADS or 1)")
    add.set_defaults(func=cmd_models_add)

    remove = models_sub.add_parser("remove", help="remove a model added with `models add`")
    remove.add_argument("model", help="its id, as `models list --user` shows it")
    remove.add_argument("--task", help="only its card for this task type")
    remove.set_defaults(func=cmd_models_remove)

    listing = models_sub.add_parser("list", help="list the user catalog (added and Hub-refreshed models)")
    listing.add_argument("--user", action="store_true", help="only models added with `models add`")
    listing.add_argument("--task", help="only this task type")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_models_list)
