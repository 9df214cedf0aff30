"""``hugginggpt serve``: the agent as a LangServe endpoint with its playground.

It binds 127.0.0.1 unless ``--host`` says otherwise; bound to another address without
``HUGGINGGPT_API_KEYS`` it warns that anyone who reaches the address can run the agent. Stopped
(Ctrl-C, SIGTERM), it waits ``--shutdown-timeout`` seconds (default :data:`SHUTDOWN_TIMEOUT_S`)
for the requests in progress, then cancels them and exits.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from ._common import load_llm

SHUTDOWN_TIMEOUT_S = 10.0
"""How long the stopped server (Ctrl-C, SIGTERM) waits for the requests in progress to end before it
cancels them (uvicorn's ``timeout_graceful_shutdown``; ``--shutdown-timeout``). Without a limit, a run
waiting on a silent LLM held the stopped server until the LLM's time limit passed (57 s of 60), and a
long text-to-speech for minutes; a served request usually ends well within it."""


def exposed(host: str) -> bool:
    """Whether ``host`` reaches beyond this machine (anything but a loopback address or localhost)."""
    if host.lower() == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return True


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..config import get_settings
    from ..pipeline import create_hugginggpt_agent
    from ..server import _env_list, create_app

    agent = create_hugginggpt_agent(load_llm(args.llm), planner=args.planner)
    app = create_app(agent)
    base = f"http://{args.host}:{args.port}"
    print(f"Serving on {base}/hugginggpt (playground: /hugginggpt/playground/); upload files with POST {base}/files; "
          f"outputs go to {get_settings().output_dir.resolve()}, downloaded from /artifacts/...", file=sys.stderr)
    if exposed(args.host) and not _env_list("HUGGINGGPT_API_KEYS"):  # read as the server reads it
        print(f"warning: --host {args.host} serves beyond this machine without API keys: anyone who reaches it can "
              "run the agent and download its outputs; set HUGGINGGPT_API_KEYS=KEY (clients send X-API-Key: KEY).",
              file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                timeout_graceful_shutdown=args.shutdown_timeout)
    return 0


def _seconds(text: str) -> float:
    """``--shutdown-timeout``'s value: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds (0 or more), e.g. --shutdown-timeout 10")
    return value


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the agent over HTTP (LangServe + playground)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1 only)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--llm", help="controller chat model (provider:model)")
    serve.add_argument("--planner", choices=["offline", "llm", "auto"])
    serve.add_argument("--shutdown-timeout", type=_seconds, default=SHUTDOWN_TIMEOUT_S, metavar="SECONDS",
                       help="stopped (Ctrl-C), wait this long for the requests in progress, then cancel them "
                            "(default: %(default)g)")
    serve.set_defaults(func=cmd_serve)
