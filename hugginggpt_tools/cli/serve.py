"""``hugginggpt serve``: the agent as a LangServe endpoint with its playground."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import load_llm


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..pipeline import create_hugginggpt_agent
    from ..server import create_app

    agent = create_hugginggpt_agent(load_llm(args.llm), planner=args.planner)
    app = create_app(agent)
    print(f"Serving on http://{args.host}:{args.port}/hugginggpt (playground: /hugginggpt/playground/)",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the agent over HTTP (LangServe + playground)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--llm", help="controller chat model (provider:model)")
    serve.add_argument("--planner", choices=["offline", "llm", "auto"])
    serve.set_defaults(func=cmd_serve)
