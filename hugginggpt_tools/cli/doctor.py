"""``hugginggpt doctor``: which task types run now, on which backend, and the fix for the rest
(``--upgrades``: also for the types that already run, as optional upgrades)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import load_llm


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..backends import default_backends
    from ..config import get_settings
    from ..diagnostics import availability_matrix, matrix_json, matrix_text
    from ..tools.models import index_cards_and_source

    settings = get_settings()
    cards, source = index_cards_and_source(settings)
    rows = availability_matrix(cards, default_backends(settings, llm=load_llm(args.llm)))
    if args.json:
        print(json.dumps({"cards_from": source, **matrix_json(rows)}, indent=2))
        return 0
    print(f"Task types x backends available now (model cards from {source}).")
    print("hf-inference 'yes' means a token or endpoint is configured; the remote side is not probed.\n")
    print(matrix_text(rows, upgrades=args.upgrades))
    return 0


def register(sub: Any) -> None:
    doctor = sub.add_parser("doctor", help="show which task types can run now on which backend, and the fixes")
    doctor.add_argument("--json", action="store_true", help="print the matrix as JSON")
    doctor.add_argument("--upgrades", action="store_true",
                        help="also list the fixes for task types that already run (optional upgrades: another model)")
    doctor.add_argument("--llm", help="check with this chat model for the llm backend (init_chat_model spec)")
    doctor.set_defaults(func=cmd_doctor)
