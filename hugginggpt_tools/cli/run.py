"""``hugginggpt run`` (all four stages, progress on stderr) and ``hugginggpt plan`` (stage 1 only: it builds
the planner alone, not the agent, so the offline planner starts without LangGraph or the pipeline)."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import HuggingGPTError, InputError
from ..jsonl import read_jsonl
from ._common import argv_text, check_files, json_text, load_llm, no_such_file_fix


def _progress(chunk: dict[str, Any]) -> None:
    """Print one stream event as a progress line on stderr, naming each task by its plan id as the
    answer does, with the model and time of a task a model ran. A stand-in that ran after the task's
    own models failed is said in a few words, and a long failure reason by its first clause
    (:func:`_short_reason`): the answer gives the reason, once."""
    if chunk.get("stage") == "plan":
        tasks = ", ".join(f"{t['id']}:{t['task']}" for t in chunk["plan"]) or "no tasks"
        line = f"[plan] {tasks}" + "".join(f"\n[plan] note: {n}" for n in chunk.get("notes", []))
        line += "".join(f"\n[plan] left out: {n}" for n in chunk.get("missing", []))
    elif chunk.get("event") == "model_chosen":
        line = f"[select] task {chunk['task_id']} {chunk['task']}: {chunk['model_id'] or 'no runnable model'}"
        if chunk.get("stands_in_for"):
            line += f" (standing in for {chunk['stands_in_for']}, which no model here can give)"
        if chunk.get("fallback"):
            line += f"; if it fails: {chunk['fallback']}"
    elif chunk.get("event") == "task_started":
        line = f"[task {chunk['task_id']}] {chunk['task']} started"
        line += "".join(f"\n[task {chunk['task_id']}] note: {w}" for w in chunk.get("warnings") or [])
    elif chunk.get("event") in ("task_finished", "task_skipped"):
        model = f" with {chunk['model_id']}" if chunk.get("model_id") else ""
        # no model ran (no runnable model, a bad input): there is no time to give
        secs = f" in {chunk['duration_s']:.2f} s" if model and chunk.get("duration_s") is not None else ""
        err = f": {_short_reason(chunk['error'])}" if chunk.get("error") else ""
        if chunk.get("stands_in_for"):
            why = "; the answer says why" if chunk.get("error") and chunk.get("status") == "succeeded" else err
            err = f" (standing in for {chunk['stands_in_for']}{why})"
        line = f"[task {chunk['task_id']}] {chunk['task']} {chunk['status']}{model}{secs}{err}"
        if chunk.get("no_result"):  # it ran and found nothing: what needs its output is skipped
            line += f" (found {chunk['no_result']})"
    else:
        return
    print(line, file=sys.stderr, flush=True)


_SHORT_REASON = 100
"""A failure reason longer than this (a "no runnable model" reason with each backend's fix) is cut to
its first clause on the progress line."""
_MODEL_HEAD_RE = re.compile(r"[\w.-]+/[\w.-]+: ")


def _short_reason(error: str) -> str:
    """``error`` as a progress line gives it: as it is when short, else its first clause (after the
    model that heads it, "bundled/ocr: ...") and "the answer says why", as the answer printed on
    stdout gives the whole reason with its fixes (a "no runnable model" reason was printed twice)."""
    if len(error) <= _SHORT_REASON and "\n" not in error:
        return error
    head = _MODEL_HEAD_RE.match(error)
    start = head.end() if head else 0
    cut = re.search(r"[:;.]\s", error[start:])
    clause = error[:start + cut.start()] if cut else error.split("\n")[0]
    if len(clause) > _SHORT_REASON:
        clause = clause[:_SHORT_REASON].rsplit(" ", 1)[0] + " …"
    return f"{clause}; the answer says why"


async def _run_agent(agent: Any, payload: dict[str, Any], quiet: bool,
                     config: dict[str, Any] | None = None, seen: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agent's final state, with progress lines unless ``quiet``. Once planned, a request that
    names an input file that is not there stops with :class:`InputError` (exit 2) before any model
    runs, as a missing ``--file`` does (:func:`_check_planned_files`). ``seen`` gets the latest state
    (``"state"``) and the ids of the tasks started (``"started"``) as they come, for the report of a run
    that is interrupted (:func:`_interrupted`)."""
    final: dict[str, Any] = {}
    seen = {} if seen is None else seen
    started = seen.setdefault("started", set())
    planned, told = None, False
    async for mode, chunk in agent.astream(payload, config, stream_mode=["custom", "values"]):
        if mode == "custom" and chunk.get("event") == "task_started":
            started.add(chunk["task_id"])
        if mode == "custom" and not quiet:
            _progress(chunk)
        elif mode == "values":
            final = seen["state"] = chunk
            if planned is None and chunk.get("plan") is not None:
                planned = chunk["plan"]
                _check_planned_files(planned, chunk.get("files") or [])
            elif planned is not None and not told and chunk.get("choices") is not None:
                told = True
                line = _plan_as_run(planned, chunk["plan"], chunk["choices"])
                if line and not quiet:
                    print(line, file=sys.stderr, flush=True)
    return final


def _plan_as_run(planned: Any, plan: Any, choices: Sequence[Any]) -> str:
    """The line that gives the plan as it runs when selection changed its tasks' ids, so that the ``[plan]``
    line no longer names them (a stand-in of two tasks spliced in, "read then answer", or one merged into
    a task it repeats): "[select] plan as run: 0:image-to-text, 1:question-answering, 2:summarization (tasks
    0 and 1 stand in for document-question-answering)". Empty when every task keeps its id (a stand-in in
    the place of its task is said on its own ``[select]`` line)."""
    stands = {c.task_id: c.stands_in_for for c in choices if c.stands_in_for}
    before = {t.id: t.task for t in planned.tasks}
    if len(plan.tasks) == len(planned.tasks) and all(before.get(t.id) == t.task for t in plan.tasks
                                                     if t.id not in stands):
        return ""
    tasks = ", ".join(f"{t.id}:{t.task}" for t in plan.tasks)
    by_type: dict[str, list[str]] = {}
    for task_id, asked in stands.items():
        by_type.setdefault(asked, []).append(str(task_id))
    from ..response import listed

    notes = "; ".join(f"task{'s' if len(ids) > 1 else ''} {listed(ids)} stand{'' if len(ids) > 1 else 's'} in for {asked}"
                      for asked, ids in by_type.items())
    return f"[select] plan as run: {tasks}" + (f" ({notes})" if notes else "")


def _check_planned_files(plan: Any, files: Sequence[str]) -> None:
    """:class:`InputError` naming each file the plan reads that is not there, and the fix."""
    from ..execution import missing_files

    missing = missing_files(plan, files)
    if missing:
        names = " and ".join(repr(m) for m in missing)
        from ..inputs import did_you_mean

        raise InputError(f"{names}, named in the request: no such file{'s' if len(missing) > 1 else ''} "
                         f"({no_such_file_fix()}).{''.join(did_you_mean(m, files) for m in missing)}")


def cmd_run(args: argparse.Namespace) -> int:
    """Answer one request. With ``--session NAME`` the run goes on the conversation saved in the
    output folder's ``NAME/session.json`` (its history, the files given and the files made: "now
    read that aloud" reads the previous run's text) and saves it again once answered; without it
    every run is a fresh, private session. Only the last ``Settings.session_turns`` turns of the
    history (``HUGGINGGPT_SESSION_TURNS``) are planned with and saved, the session cutting them as it
    loads and records a turn; its files are all kept, so an older one is still named. Two runs of one
    session at once both keep their turn (:meth:`~hugginggpt_tools.sessions.Session.save` merges).

    When the session file cannot be written (a full disk, a read-only folder), the answer is still
    printed, then a warning names the file, the error and the fix, and the run exits 1: the answer is
    there, but the session did not keep it, so a next "now read that aloud" would not find it (the
    session file is left as it was). Interrupted (Ctrl-C), it prints what finished, with the files
    written, and what was stopped, and exits 130; the session is left as it was
    (:func:`_interrupted`)."""
    from ..artifacts import check_output_dir
    from ..config import get_settings
    from ..execution import finished_results
    from ..pipeline import HuggingGPT, build_graph, create_hugginggpt_agent

    if not args.request.strip():
        raise InputError('The request is empty; say what to do, e.g. hugginggpt run "Read the text in photo.png aloud" '
                         "--file photo.png")
    name = _session_name(args.session)
    args.request = argv_text(args.request)
    files = check_files(args.file, args.request)
    settings = get_settings(output_dir=args.output_dir)
    check_output_dir(settings.output_dir)
    llm = load_llm(args.llm)
    session, config = None, {}
    if name is None:
        agent = create_hugginggpt_agent(llm, planner=args.planner, settings=settings, choose_model=args.choose_model)
    else:
        hg = HuggingGPT(llm, planner=args.planner, settings=settings, choose_model=args.choose_model)
        session, config = hg.sessions.restore(name), {"configurable": {"session_id": name}}
        agent = build_graph(hg)
        if not args.quiet:
            where = f"{_session_turn(session.turns, session.max_turns)} ({session.path})"
            print(f"[session] {name}: {where}", file=sys.stderr, flush=True)
    seen: dict[str, Any] = {}
    with finished_results() as finished:
        try:
            state = asyncio.run(_run_agent(agent, {"input": args.request, "files": files}, args.quiet, config, seen))
        except KeyboardInterrupt:
            return _interrupted(seen, finished, args.json, name)
    answer = state["answer"]
    unsaved = _save_session(session)
    if args.json:
        print(json_text(answer, indent=2))
    else:
        print(answer.text)
    if unsaved:
        print(f"warning: {unsaved}", file=sys.stderr, flush=True)
        return 1
    return _exit_code(answer, answered_by_llm=llm is not None)


def _save_session(session: Any) -> str | None:
    """Save ``session`` (when there is one); None when saved, else the warning to give after the answer:
    the file, the error and the fix (:meth:`~hugginggpt_tools.sessions.Session.save`'s message)."""
    if session is None:
        return None
    try:
        session.save()
    except HuggingGPTError as exc:
        return (f"session {session.id!r} not saved, so a next request in it will not know this one: {exc}")
    return None


def _interrupted(seen: dict[str, Any], finished: Sequence[Any], as_json: bool, session: str | None) -> int:
    """Report a run interrupted by Ctrl-C and return 130: on stdout what finished (each task's text and
    files, :func:`~hugginggpt_tools.response.task_line`), the files written and the tasks stopped (running, or not started);
    with ``as_json`` the same as one JSON object; on stderr that it was interrupted and, with a
    ``session``, that the session is as it was."""
    state = seen.get("state") or {}
    plan, done = state.get("plan"), {r.task_id for r in finished}
    running = seen.get("started", set())
    stopped = [(t, "running" if t.id in running else "not started") for t in (plan.tasks if plan else [])
               if t.id not in done]
    files = [a.path for r in finished for a in r.artifacts]
    if as_json:
        print(json_text({"interrupted": True, "request": state.get("input"),
                         "results": [r.model_dump(mode="json") for r in finished], "files": files,
                         "stopped": [{"task_id": t.id, "task": t.task, "status": how} for t, how in stopped]},
                        indent=2))
    else:
        from ..response import files_note, task_line

        lines = [_interrupted_head(plan, finished, stopped)]
        lines += [task_line(r) for r in finished]
        lines += [files_note(finished)] if files else []
        if stopped:
            lines.append("Stopped: " + "; ".join(f"task {t.id} ({t.task}), {how}" for t, how in stopped) + ".")
        print("\n".join(lines), flush=True)
    kept = f"; session {session!r} is as it was before this request" if session else ""
    print(f"interrupted{kept}", file=sys.stderr, flush=True)
    return 130


def _interrupted_head(plan: Any, finished: Sequence[Any], stopped: Sequence[Any]) -> str:
    """The first line of an interrupted run's report: the stage it was stopped in, and how many tasks finished."""
    if plan is None:
        return "Interrupted (Ctrl-C) while planning; no task ran."
    if not stopped:
        return "Interrupted (Ctrl-C) while writing the answer; every task had finished:"
    if not finished:
        return "Interrupted (Ctrl-C) before any task finished."
    count = len(finished)
    return f"Interrupted (Ctrl-C); {count} task{'' if count == 1 else 's'} of {count + len(stopped)} had finished:"


def _session_turn(earlier: int, kept: int) -> str:
    """How the progress line names this run's place in a session with ``earlier`` turns of the
    ``kept`` it keeps."""
    if not earlier:
        return "a new session"
    if earlier < kept:
        return f"turn {earlier + 1}"
    return f"going on from its last {earlier} turns"


def _session_name(name: str | None) -> str | None:
    """``--session``'s name, or None without one; :class:`InputError` naming it and the fix when it
    cannot be a folder name."""
    from ..artifacts import check_session_id

    if name is None:
        return None
    try:
        return check_session_id(name)
    except InputError:
        raise InputError(f"--session {name!r}: a session name is a folder name of 1 to 128 letters, digits, '-', "
                         "'_' or '.', not starting with '.'; e.g. --session trip-notes") from None


def _exit_code(answer: Any, answered_by_llm: bool = False) -> int:
    """0 when everything the request asked for was done, else 1 (the answer says what was not):
    a task failed or was skipped or gave only part of its result (:func:`_partial`), part of the
    request was left out for want of an input, or no task ran at all. An empty plan is fine only
    when a chat model answered the request itself (chit-chat, an open question) and planning
    reported no problem. (An input file that is not there, given with ``--file`` or named in the
    request, exits 2 before any model runs.)"""
    from ..response import is_advice

    plan = answer.plan
    if any(r.status != "succeeded" or _partial(r) for r in answer.results) or plan.missing:
        return 1
    if not plan.tasks and not (answered_by_llm and not plan.notes and not is_advice(answer.text)):
        return 1  # the built-in advice stands in for a chat model that failed
    return 0


def _partial(result: Any) -> bool:
    """Whether a task that succeeded gave only part of what was asked, marked ``data["partial"]``: a
    transcript of the windows Whisper heard before the time limit ("Partial transcript: ...")."""
    return isinstance(result.data, dict) and result.data.get("partial") is True


RUN_EXIT_CODES = (
    "exit codes: 0 when everything asked for was done; 1 when the answer, still printed, says something "
    "was not (a task failed or was skipped or gave only part of its result, a partial transcript; part of the "
    "request was left out; nothing ran), or a warning after "
    "it says --session's file could not be saved; 2 for bad "
    "input or setup, one line naming it and the fix (an input file that is not there, given with --file "
    "or named in the request, is reported before any model runs); 3 for an unexpected error; 130 when interrupted "
    "(Ctrl-C), after printing what had finished.")
"""What ``hugginggpt run --help`` says of its exit codes (:func:`_exit_code`, :func:`~hugginggpt_tools.cli.main`)."""

_BATCH_LINE = 'each line is a JSON string or an object like {"request": "Caption photo.jpg", "files": ["photo.jpg"]}.'


def _batch_row(path: str, number: int, row: Any) -> dict[str, Any]:
    """One request of a batch file as ``{"id", "request", "files"}``; :class:`InputError` naming the
    line and the fix when it is neither a string nor an object with a request."""
    if isinstance(row, HuggingGPTError):
        raise row
    if isinstance(row, str):
        row = {"request": row}
    text = row.get("request") or row.get("input") or row.get("instruction") if isinstance(row, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{path}:{number}: no request in {json.dumps(row, ensure_ascii=False)[:80]}; {_BATCH_LINE}")
    files = row.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        example = f" (e.g. \"files\": {json.dumps([files], ensure_ascii=False)})" if isinstance(files, str) else ""
        raise InputError(f"{path}:{number}: 'files' must be a list of file names{example}, got "
                         f"{json.dumps(files, ensure_ascii=False)[:80]}; {_BATCH_LINE}")
    return {"id": row.get("id", number), "request": text, "files": files}


def _batch_requests(path: str) -> list[dict[str, Any]]:
    """The request rows of each non-blank line of ``path``; a bad line's row holds its ``error``
    instead of a request, so it is reported on its own and the rest of the batch still runs."""
    rows = []
    for number, row in read_jsonl(path, fix=_BATCH_LINE[:1].upper() + _BATCH_LINE[1:], keep_going=True):
        try:
            rows.append(_batch_row(path, number, row))
        except HuggingGPTError as exc:
            row_id = row.get("id", number) if isinstance(row, dict) else number
            rows.append({"id": row_id, "request": None, "error": str(exc)})
    return rows


def _plan(planner: Any, request: str, files: Sequence[str]) -> Any:
    """``request``'s plan, with the files named as the agent's planning stage names them (by
    their file names, as :meth:`HuggingGPT.aplan <hugginggpt_tools.pipeline.HuggingGPT.aplan>` does),
    and, as that stage does, the files of the working folder the request names with spaces in their
    names ("meeting notes.docx": :func:`~hugginggpt_tools.inputs.with_spaced_names`)."""
    from ..inputs import with_spaced_names

    names = list(dict.fromkeys(Path(f).name for f in with_spaced_names(request, files)))
    return asyncio.run(planner.aplan(request, files=names, chat_history=[]))


def cmd_plan(args: argparse.Namespace) -> int:
    """Stage 1 only. It builds the planner alone, not the agent: the offline planner needs neither
    LangGraph nor the pipeline, which take about a second to import."""
    from ..config import get_settings
    from ..planning import make_planner

    if bool(args.request) == bool(args.input):
        raise InputError("Give either a REQUEST or --input requests.jsonl (one of them).")
    llm = load_llm(args.llm)
    get_settings()  # a bad HUGGINGGPT_* variable is the same one-line error here as in ``run``
    planner = make_planner(args.planner, llm)
    if args.request:
        args.request = argv_text(args.request)
        plan = _plan(planner, args.request, args.file)
        print(json_text(plan, indent=2) if args.json else json_text(plan.to_hugginggpt(), ensure_ascii=True))
        for line in [] if args.json else plan.missing:
            print(f"left out: {line}", file=sys.stderr)
        for line in [] if args.json else plan.warnings:
            print(f"warning: {line}", file=sys.stderr)
        if not plan.tasks and not plan.missing:  # say why, as `run` does: an empty plan alone told nothing
            from ..response import nothing_planned

            print(nothing_planned(plan, args.file), file=sys.stderr)
        return 1 if plan.missing or not plan.tasks else 0
    failures = 0
    for row in _batch_requests(args.input):
        if "error" in row:
            failures += 1
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        try:
            plan = _plan(planner, row["request"], row["files"])
            out = {"id": row["id"], "request": row["request"], "plan": plan.to_hugginggpt(),
                   "planner": plan.planner, "confidence": plan.confidence, "notes": plan.notes,
                   "missing": plan.missing, "warnings": plan.warnings}
        except HuggingGPTError as exc:
            failures += 1
            out = {"id": row["id"], "request": row["request"], "error": str(exc)}
        print(json_text(out), flush=True)
    return 1 if failures else 0


def register(sub: Any) -> None:
    run = sub.add_parser("run", help="answer a request end to end", epilog=RUN_EXIT_CODES)
    run.add_argument("request", help="what to do, in plain language")
    run.add_argument("--file", action="append", default=[], help="an input file (repeatable)")
    run.add_argument("--llm", help="controller chat model, an init_chat_model spec (provider:model)")
    run.add_argument("--planner", choices=["offline", "llm", "auto"], help="planner (default: llm when --llm)")
    run.add_argument("--json", action="store_true", help="print the whole Answer as JSON")
    run.add_argument("--choose-model", action="store_true",
                     help="let the LLM choose each task's model among the top candidates (one call for all)")
    run.add_argument("--output-dir", help="where files are written (default: ./hugginggpt_outputs)")
    run.add_argument("--session", metavar="NAME",
                     help="go on the conversation NAME, saved in the output folder's NAME/session.json: a later "
                          "request may refer to this one's results (\"now read that aloud\") and files; its last "
                          "turns are kept (HUGGINGGPT_SESSION_TURNS, default 10), all its files")
    run.add_argument("--quiet", action="store_true",
                     help="no progress lines or log warnings on stderr (HUGGINGGPT_LOG_LEVEL still applies)")
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="plan a request (stage 1 only)")
    plan.add_argument("request", nargs="?", help="the request")
    plan.add_argument("--input", help="a JSONL file of requests; prints one JSON line each")
    plan.add_argument("--file", action="append", default=[], help="an input file name (repeatable)")
    plan.add_argument("--llm", help="planner chat model (provider:model)")
    plan.add_argument("--planner", choices=["offline", "llm", "auto"])
    plan.add_argument("--json", action="store_true", help="print the Plan object as JSON")
    plan.set_defaults(func=cmd_plan)
