"""The ``hugginggpt`` command line.

``hugginggpt run "REQUEST" [--file F] [--llm provider:model] [--json]`` runs the four stages and
shows progress per stage and task on stderr; ``hugginggpt plan`` runs stage 1 only;
``hugginggpt index build`` rebuilds the model index; ``hugginggpt bench taskbench`` measures a
planner on TaskBench. Errors of the package end in a one-line
message and exit code 2 (an unexpected one: 3), among them an input file that is not there,
whether given with ``--file`` or named in the request (checked once the request is planned,
before any model runs); a run prints its answer and exits 1 when the answer says something
asked for was not done (a task failed or was skipped or gave only part of its result, part of
the request was left out, or nothing ran), else 0. Progress lines and answers name each task by
its plan id (``task 0``).

Run as the program (``main()`` with no ``argv``), the objects alive at exit are frozen out of the
garbage collector's reach (:func:`_freeze_at_exit`): the collection Python runs while shutting down
walked the models' large object graphs for most of a second after the answer was printed. When a
model call outlived its task's time limit (it cannot be stopped, and Python's exit would wait for
it: minutes of CPU after the answer), the process ends as soon as the answer is out
(:func:`exit_now_if_calls_run`).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from ..errors import HuggingGPTError
from ..redaction import install_log_redaction, redact

COMMANDS = ("run", "index", "serve", "doctor", "bench", "models")
"""Modules of this package that register subcommands (each has ``register(subparsers)``)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hugginggpt", description="HuggingGPT on LangChain: plan, select models, execute, respond.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _freeze_at_exit() -> None:
    """At interpreter exit (after the exit handlers registered after this one, before shutdown),
    move every object the garbage collector tracks to its permanent generation (:func:`gc.freeze`).

    Shutdown's collection then skips them: it took about 0.7 s after ``hugginggpt run`` had
    printed its answer (the object graphs of the loaded models, about 300,000 objects). Files
    are not affected: every output is written and closed before the command returns, exit
    handlers (logging's flush among them) still run, and modules are still torn down; only
    objects held in reference cycles are left for the operating system to reclaim."""
    atexit.register(gc.freeze)


def exit_now_if_calls_run(code: int) -> None:
    """End the process at once with ``code`` when model calls of its runs are still going on in
    worker threads (:func:`~hugginggpt_tools.execution.calls_running`: calls that outlived their
    task's time limit, whose results nobody will read); else return.

    A timed-out text-to-speech of a 60 KB chapter printed its answer at 305 s, then the process
    went on synthesizing for 255 s more at exit (when the runs' pools were ``concurrent.futures``'
    threads, which exit joins). The runs' threads are daemons now
    (:class:`~hugginggpt_tools.workers.DaemonPool`), but native code still running in one while the
    interpreter shuts down may crash it, so the process ends at once. The answer and every file the run
    kept are written already (the session file too); a file such a call is still writing (a hidden
    ``.partial`` WAV of Piper's) is removed (:func:`~hugginggpt_tools.artifacts.remove_unfinished_files`);
    the output streams and log handlers are flushed; the exit handlers that would wait are skipped. Only
    for the process's own command line: ``main(argv)`` from Python returns as before."""
    execution = sys.modules.get("hugginggpt_tools.execution")  # not imported: no run, nothing to wait for
    running = execution.calls_running() if execution is not None else 0
    if not running:
        return
    logging.getLogger(__name__).info("%d model call(s) still running past their time limit; not waiting", running)
    from ..artifacts import remove_unfinished_files  # the exit handler that would remove them is skipped

    remove_unfinished_files()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    logging.shutdown()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    code = _main(argv)
    if argv is None:  # the process's own command line: it ends when this returns
        exit_now_if_calls_run(code)
    return code


def _main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if argv is None:  # the process's own command line: it ends when this returns
        _freeze_at_exit()
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # progress lines are ours
    # --quiet: the answer already says which task failed and why; no log warnings repeat it
    default_level = "ERROR" if getattr(args, "quiet", False) else "WARNING"
    level = os.environ.get("HUGGINGGPT_LOG_LEVEL", default_level).strip().upper() or default_level
    levels = logging.getLevelNamesMapping()
    if level not in levels:
        print(f"error: HUGGINGGPT_LOG_LEVEL={os.environ['HUGGINGGPT_LOG_LEVEL']!r} is no log level; fix: set it to "
              f"one of {', '.join(levels)}, or unset it", file=sys.stderr)
        return 2
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()
    try:
        return args.func(args)
    except HuggingGPTError as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a bare traceback at the user
        if os.environ.get("HUGGINGGPT_DEBUG"):
            raise
        print(f"error: unexpected {type(exc).__name__}: {redact(exc)} (set HUGGINGGPT_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
