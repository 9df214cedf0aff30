"""Response generation: the answer text from the request, plan, chosen models and results.

With an LLM, HuggingGPT's response stage: the LLM reads the structured results (texts, labels
and scores, file paths) and answers; when tasks failed, :func:`failure_note` (which tasks and
why), :func:`missing_note` (what was left out for want of an input) and :func:`warning_note`
(what may be wrong with the plan or a result) are appended, so no answer hides a failure.
Without one, :func:`summarize` writes a deterministic answer that states each task's result and
the files written; so does an LLM whose call fails (provider down, timeout, rate limit): the run's
results are never lost to the response stage, and the answer's warnings name the LLM's error
(:func:`llm_failure`). The LLM's call has ``Settings.llm_timeout_s`` to answer
(``HUGGINGGPT_LLM_TIMEOUT``); past it the summary answers too, with a warning saying how to wait
longer. Answers pass through :func:`~hugginggpt_tools.redaction.redact`.

A result's text longer than :data:`_MAX_TEXT` characters is cut in the answer and in what the LLM
reads, and both say so (:func:`cut_line`, :func:`result_record`): how much was shown and where the
whole text is (the task's result in the answer's ``results``, which ``hugginggpt run --json`` prints,
and a text file the task wrote, if any).

When the plan reads several files, a result shown names the file it came from ("task 1
(audio-classification of b.wav)"). Every text names a task by its plan id, "task 0 (image-to-text)", the number its result
(``TaskResult.task_id``), its stream events, its references and the CLI's ``[task 0]`` progress
lines carry: the task lines, the results, the stand-ins, the failures and the warnings alike.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from .errors import LLMReplyError, LLMTimeoutError
from .llms import ADDRESS_FIX, ainvoke_within, llm_timeout, wait_longer_fix
from .prompting import render_prompt
from .redaction import redact
from .schemas import ModelChoice, Plan, TaskResult

logger = logging.getLogger(__name__)

_MAX_TEXT = 2000
"""Most characters of a result's text shown in the answer and to the LLM; a longer one is cut, saying so."""
_MAX_ERROR = 200
_MAX_DATA = 1500


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _whole_text_at(result: TaskResult) -> str:
    """Where the whole text of ``result`` is: its task's result in the answer, and the text files it wrote."""
    files = [a.path for a in result.artifacts if a.modality == "text"]
    where = f"in {listed(files)} and " if files else ""
    return f"{where}in task {result.task_id}'s result (the answer's results; on the command line, --json)"


def cut_line(result: TaskResult) -> str:
    """The line under a text of ``result`` cut at :data:`_MAX_TEXT` characters: how much is shown and
    where the whole text is (:func:`_whole_text_at`); empty when its text is not cut."""
    size = len(result.text or "")
    if size <= _MAX_TEXT:
        return ""
    return f"(cut at {_MAX_TEXT:,} of {size:,} characters; the whole text is {_whole_text_at(result)})"


def _shown(result: TaskResult) -> str:
    """``result``'s text as the answer shows it: at most :data:`_MAX_TEXT` characters, a longer one
    cut with a line below it saying so (:func:`cut_line`)."""
    text = result.text or ""
    cut = cut_line(result)
    return f"{text[:_MAX_TEXT]}…\n{cut}" if cut else text


def result_record(result: TaskResult) -> dict[str, Any]:
    """A compact, JSON-ready view of a result for prompts and logs. A text or data cut short for the
    LLM says so in ``text_cut`` / ``data_cut``, so it does not present a part as the whole."""
    record: dict[str, Any] = {"task_id": result.task_id, "task": result.task, "status": result.status}
    if result.model_id:
        record["model"] = result.model_id
    if result.text:
        record["text"] = result.text
        if len(result.text) > _MAX_TEXT:
            record["text"] = result.text[:_MAX_TEXT] + "…"
            record["text_cut"] = (f"only the first {_MAX_TEXT:,} of its {len(result.text):,} characters are shown "
                                  "here: say that the text was cut, and that the whole text is in this task's result "
                                  "(--json); never present this part as the whole text")
    if result.data is not None:
        data = json.dumps(result.data, default=str, ensure_ascii=False)
        record["data"] = _clip(data, _MAX_DATA)
        if len(data) > _MAX_DATA:
            record["data_cut"] = (f"only the first {_MAX_DATA - 1:,} of its {len(data):,} characters are shown here; "
                                  "do not present this part as the whole")
    if result.no_result:
        record["no_result"] = f"found {result.no_result}: its text says so, and is no answer to pass off as one"
    if result.artifacts:
        record["files"] = [a.path for a in result.artifacts]
    if result.stands_in_for:
        record["stands_in_for"] = result.stands_in_for
    if result.error:
        record["error"] = result.error
    if result.warnings:
        record["warnings"] = result.warnings
    return record


def _task_head(result: TaskResult, names: dict[int, list[str]] | None = None) -> str:
    """"task 0 (image-to-text)", or "task 0 (image-classification, standing in for image-to-text)";
    what stood in for what, and why, is said once for all (:func:`_stand_in_lines`). With ``names``
    (:func:`_input_names`), the input files of the task too: "task 1 (audio-classification of b.wav)"."""
    of = f" of {listed(names[result.task_id])}" if names and names.get(result.task_id) else ""
    also = f", standing in for {result.stands_in_for}" if result.stands_in_for else ""
    return f"task {result.task_id} ({result.task}{of}{also})"


def _input_names(plan: Plan) -> dict[int, list[str]]:
    """The input files of each task, by task id, when the plan reads more than one file: which file a
    result came from is then worth saying ("classify the audio in a.wav and b.wav", "compare the sentiment
    of complaint.txt and news.txt"). A task's files are those its arguments name (an image, a recording, a
    text file given as its text: :func:`~hugginggpt_tools.inputs.names_text_file`) and, through its
    references, those of the tasks whose outputs it takes (the summary of task 0's transcript of
    lecture.wav is of lecture.wav). Empty when the plan reads one file or none."""
    own = {task.id: _own_files(task) for task in plan.tasks}
    refs = {task.id: task.references() for task in plan.tasks}
    names: dict[int, list[str]] = {}

    def files_of(task_id: int, seen: frozenset[int] = frozenset()) -> list[str]:
        if task_id not in names:
            found = [*own.get(task_id, []), *(f for ref in refs.get(task_id, []) if ref not in seen
                                             for f in files_of(ref, seen | {task_id}))]
            names[task_id] = list(dict.fromkeys(found))
        return names[task_id]

    for task in plan.tasks:
        files_of(task.id)
    names = {task_id: files for task_id, files in names.items() if files}
    return names if len({name for files in own.values() for name in files}) > 1 else {}


def _own_files(task: Any) -> list[str]:
    """The names of the files ``task``'s own arguments read: a file argument ("b.wav") or a text argument
    that names a text file ("news.txt"); references to other tasks' outputs are not."""
    from .inputs import names_text_file
    from .tasks import find_task

    spec = find_task(task.task)
    if spec is None:
        return []
    return list(dict.fromkeys(
        Path(v.strip()).name for k, v in task.args.items() if isinstance(v, str) and v.strip()
        and (arg := spec.arg(k)) is not None and (arg.modality != "text" or names_text_file(v))))


def task_line(result: TaskResult, shown: bool = False, names: dict[int, list[str]] | None = None) -> str:
    """The task's line: its head, model and time, and its text and files below it; ``shown``: its text
    heads the answer already (:func:`_final_texts`, where its input files are named), so the line points
    at it rather than repeating it; a text given here is headed by the task's input files, given
    ``names`` (:func:`_input_names`: "task 1 (automatic-speech-recognition of b.wav) succeeded ...").
    A reason that names its model twice says it once (:func:`_model_named_once`)."""
    head = _task_head(result, names if result.status == "succeeded" and result.text and not shown else None)
    if result.status == "succeeded":
        secs = f", {result.duration_s:.1f} s" if result.duration_s is not None else ""
        head += f" succeeded with {result.model_id} ({result.backend}{secs})"
        body = []
        if result.text and not shown:
            body.append(_shown(result))
        body += [f"wrote {a.path}" for a in result.artifacts if a.path not in (result.text or "")]
        if not body:
            return head + (": the result above" if shown else "")
        return head + ":\n" + "\n".join("   " + line for b in body for line in b.splitlines())
    return f"{head} {result.status}: {_laid_out(_model_named_once(result.error)) if result.error else 'no reason recorded'}"


_MODEL_PREFIX_RE = re.compile(r"(?:^|(?<=; ))([\w.-]+/[\w.-]+): ")


def _model_named_once(error: str) -> str:
    """``error`` with each model that heads a part of it ("bundled/whisper: heard no speech in a.wav:
    bundled/whisper transcribes English speech") named there only: its later mentions in that part,
    outside backquoted commands, read "this model"."""
    out, parts = [], _MODEL_PREFIX_RE.split(error)
    out.append(parts[0])
    for model, body in zip(parts[1::2], parts[2::2]):
        mention = re.compile(rf"(?<![\w/.`'-]){re.escape(model)}(?![\w/-]|\.\w)")
        pieces = re.split(r"(`[^`]*`)", body)
        body = "".join(p if p.startswith("`") else mention.sub("this model", p) for p in pieces)
        out.append(f"{model}: {body}")
    return "".join(out)


_NO_MODEL_RE = re.compile(r"(no runnable model for [^:]+: [^(]*none can run now) \((.*)\)", re.DOTALL)
_BACKEND_SPLIT_RE = re.compile(r"; (?=[a-z][a-z0-9-]*: )")


def _laid_out(error: str) -> str:
    """A "no runnable model" reason with each backend's fix on its own line ("   - transformers: ...",
    "   - hf-inference: ..."), as selection joins them on one; any other reason as it is."""
    match = _NO_MODEL_RE.fullmatch(error)
    if not match or not re.match(r"[a-z][a-z0-9-]*: ", match.group(2)):
        return error
    fixes = _BACKEND_SPLIT_RE.split(match.group(2))
    return f"{match.group(1)}; to run one:\n" + "\n".join(f"   - {fix}" for fix in fixes)


_QUOTED_RE = re.compile(r"'[^']*'|`[^`]*`")
_REPEAT_CHARS = 160
"""A failure's reason longer than this (a list of fixes) is not repeated for a later task of its type."""


def _task_lines(results: Sequence[TaskResult], shown: frozenset[int] = frozenset(),
                names: dict[int, list[str]] | None = None) -> list[str]:
    """One line per result (those in ``shown``, by task id, without the text that heads the answer); a failure for the same long reason as an earlier one of its type (other
    than its own parts, :func:`_own_parts`: the model names and commands quoted in it, its input
    files; "translation into French, German and Italian" with no model that can run) points at
    that one rather than repeating its fixes, and names only its own parts that differ (the German
    model's download command)."""
    lines, seen = [], {}
    for result in results:
        if result.status != "succeeded" and result.error and len(result.error) > _REPEAT_CHARS:
            first = seen.setdefault((result.task, result.status, _general(result)), result)
            if first is not result:
                said = set(_own_parts(first))
                own = [q for q in _own_parts(result) if q not in said]
                here = f"; here {', '.join(own)}" if own else ""
                lines.append(f"{_task_head(result)} {result.status} for the same reason as task {first.task_id} "
                             f"({result.error.split(':')[0]}: …){here}")
                continue
        lines.append(task_line(result, result.task_id in shown, names))
    return lines


def _headline(results: Sequence[TaskResult]) -> str:
    """:func:`_ended`, and which of the tasks that succeeded found nothing ("task 1 found no answer."):
    a question no passage answers ran, and its decline is no answer."""
    nothing = [f"task {r.task_id} found {r.no_result}" for r in results if r.status == "succeeded" and r.no_result]
    return _ended(results) + (f" Of those, {listed(nothing)}." if nothing else "")


def _ended(results: Sequence[TaskResult]) -> str:
    """How many tasks there were and how each ended: "I ran 1 task for your request; it succeeded.",
    "I planned 3 tasks for your request: 1 succeeded, 1 failed and 1 was skipped." (a skipped task
    never ran), "I ran 2 tasks for your request; none succeeded: 1 failed and 1 was skipped.". A
    plan no model of which ran (:func:`_ran_a_model`: none could, or its inputs were refused) was
    planned, not run: "I planned 1 task for your request; it failed before any model ran."."""
    count = len(results)
    tasks = f"{count} task{'' if count == 1 else 's'}"
    by_status = {s: sum(r.status == s for r in results) for s in ("succeeded", "failed", "skipped")}
    ran = any(_ran_a_model(r) for r in results)
    verb = "planned" if by_status["skipped"] or not ran else "ran"
    unran = "" if ran else " before any model ran"
    if count == 1:
        said = {"skipped": "was skipped", "failed": f"failed{unran}"}.get(results[0].status, results[0].status)
        return f"I {verb} 1 task for your request; it {said}."
    every = "both" if count == 2 else f"all {count}" if by_status["succeeded"] < count else "all"
    if by_status["succeeded"] == count:
        return f"I ran {tasks} for your request; {every} succeeded."
    if by_status["failed"] == count:
        return f"I {verb} {tasks} for your request; {every} failed{unran}."
    parts = [f"{by_status['succeeded']} succeeded"] if by_status["succeeded"] else []
    if by_status["failed"]:
        parts.append(f"{by_status['failed']} failed{unran}")
    if by_status["skipped"]:
        parts.append(f"{by_status['skipped']} {'was' if by_status['skipped'] == 1 else 'were'} skipped")
    if not by_status["succeeded"]:
        return f"I {verb} {tasks} for your request; none succeeded: {listed(parts)}."
    return f"I {verb} {tasks} for your request: {listed(parts)}."


def _ran_a_model(result: TaskResult) -> bool:
    """Whether a model ran for ``result``'s task: one was tried (``attempts``) or gave its output."""
    return bool(result.attempts or result.model_id)


def _block(head: str, text: str) -> str:
    """``head`` and ``text`` on one line, or a text of several lines (an OCR'd receipt) indented below it."""
    if "\n" not in text:
        return f"{head} {text}"
    return head + "\n" + "\n".join("   " + line for line in text.splitlines())


_ASK = {"image": ("read the text in {}", "describe {}"), "audio": ("transcribe {}", "summarize what is said in {}"),
        "video": ("transcribe the speech in {}", "summarize the talk in {}"),
        "text": ("summarize {}", "translate {} into French")}
"""Requests to suggest for a file given with nothing planned for it, by what it holds (:func:`file_modality`)."""


NOTHING_PLANNED = "No model task was needed or could be planned for this request"
"""How the built-in answer of a request that planned nothing begins: advice, not an answer, also
when it stands in for a chat model that failed (a session keeps it as no result; the command line
exits 1)."""


def is_advice(answer_text: str) -> bool:
    """Whether ``answer_text`` is the built-in answer of a request that planned nothing (:func:`nothing_planned`)."""
    return answer_text.startswith(NOTHING_PLANNED)


def nothing_planned(plan: Plan, files: Sequence[str] = ()) -> str:
    """Why nothing was planned and what to ask instead: with ``files`` given, requests for them by
    what they hold ("say what to do with sign.jpg: e.g. 'read the text in sign.jpg', 'describe
    sign.jpg'"); else to name the input file and what to do with it."""
    from .filekinds import file_modality

    note = f" ({'; '.join(plan.notes)})" if plan.notes else ""
    head = f"{NOTHING_PLANNED}{note}. "
    names = list(dict.fromkeys(Path(f).name for f in files))
    if not names:
        return head + ("Name the input file and what to do with it (for example: read the text in invoice.png "
                       "aloud), or configure an LLM with --llm for open questions.")
    asks = [ask.format(Path(f).name) for f in list(dict.fromkeys(files))[:3]
            for ask in _ASK.get(file_modality(f) or "", ())[:2 if len(names) == 1 else 1]]
    examples = f": e.g. {', '.join(repr(a) for a in asks)}" if asks else ""
    return (head + f"Say what to do with {listed(names[:3])}{' and the others' if len(names) > 3 else ''}"
            f"{examples}; or configure an LLM with --llm for open questions.")


def summarize(
    request: str, plan: Plan, choices: Sequence[ModelChoice], results: Sequence[TaskResult],
    files: Sequence[str] = (),
) -> str:
    """A deterministic answer: the final result(s) first (a text of several lines indented below its
    heading), how many tasks there were and how each ended (:func:`_headline`), each task's line
    (model, time, its text unless it heads the answer, its files; a "no runnable model" reason with
    each backend's fix on its own line), the stand-ins and why (once for the tasks that stood in
    alike, with how to run a model of the type asked for), the files written, the failures, and what
    the request asked for that could not be planned for want of an input. Nothing planned: why, and
    what to ask of the ``files`` given (:func:`nothing_planned`)."""
    warnings = warning_note(plan, results)
    if not plan.tasks and plan.missing:
        return "\n\n".join(n for n in ("Nothing was run. " + missing_note(plan), warnings) if n)
    if not plan.tasks:
        return "\n\n".join(n for n in (nothing_planned(plan, files), warnings) if n)
    names = _input_names(plan)
    finals = _final_texts(plan, results, names)
    lines = [_headline(results)]
    lines += _task_lines(results, frozenset(task_id for task_id, _, _ in finals), names)
    if any(r.stands_in_for for r in results):
        lines.append(stand_in_note(results, choices, plan))
    if any(r.artifacts for r in results):
        lines.append(files_note(results))
    if len(finals) == 1:
        lines.insert(0, _block("Result:", finals[0][2]))
    elif finals:  # "transcribe both recordings": each transcript, not only the last
        lines[:0] = ["Results:", *(_block(f"- {task}:", text) for _, task, text in finals)]
    if plan.missing:
        lines.append(missing_note(plan))
    if warnings:
        lines.append(warnings)
    return "\n".join(lines)


_MAX_FINALS = 8


def _text_first(task: str) -> bool:
    """Whether a text is the main output of the task type ``task``: object detection's "0 faces found
    in group.jpg" answers the question, its drawn boxes only show it; text-to-speech's text describes
    its file."""
    from .tasks import find_task

    spec = find_task(task)
    return spec is not None and spec.outputs[:1] == ("text",)


def _final_texts(plan: Plan, results: Sequence[TaskResult],
                 names: dict[int, list[str]] | None = None) -> list[tuple[int, str, str]]:
    """(task id, task, text) of each successful task that no other task consumes with a text output and
    no file, or with a file when text is its type's main output (:func:`_text_first`: a detection's
    count), in order (at most :data:`_MAX_FINALS`, each cut at :data:`_MAX_TEXT` characters saying so,
    :func:`_shown`); the task named with its input files when ``names`` has them ("task 1
    (audio-classification of b.wav)", :func:`_input_names`)."""
    consumed = {ref for t in plan.tasks for ref in t.references()}
    finals = [(r.task_id, _task_head(r.model_copy(update={"stands_in_for": None}), names),
               _shown(r)) for r in results
              if r.status == "succeeded" and r.task_id not in consumed and r.text
              and (not r.artifacts or _text_first(r.task))]
    return finals[:_MAX_FINALS]


def missing_note(plan: Plan) -> str:
    """What the request asked for that the plan left out for want of an input, one line each, with
    the fix; empty when nothing was."""
    lines = [f"- {m}" for m in plan.missing]
    return "Not planned, for want of an input:\n" + "\n".join(lines) if lines else ""


def warning_note(plan: Plan, results: Sequence[TaskResult]) -> str:
    """What may be wrong with the plan's reading of the request or with a result that succeeded
    (a request the offline planner cannot read, a text in a language its model does not read),
    one line each with the fix; empty when nothing may be."""
    lines = [f"- {w}" for w in plan.warnings]
    lines += [f"- task {r.task_id} ({r.task}): {w}" for r in results if r.status == "succeeded" for w in r.warnings]
    return "Warnings:\n" + "\n".join(lines) if lines else ""


def _fallback_ran(result: TaskResult) -> bool:
    """Whether ``result`` is a fallback that succeeded after the models of its type failed (its
    ``error`` says how), rather than a stand-in chosen because no model of that type can run."""
    return result.status == "succeeded" and bool(result.error)


def _own_parts(result: TaskResult) -> list[str]:
    """The parts of ``result.error`` particular to its task: the names and commands quoted in it and
    the names of its input files ("found no text in beach.jpg")."""
    error = result.error or ""
    names = [Path(v).name for v in (result.inputs or {}).values()
             if isinstance(v, str) and len(v) < 4096 and Path(v).suffix and Path(v).name in error]
    return list(dict.fromkeys([*_QUOTED_RE.findall(error), *names]))


def _general(result: TaskResult) -> str:
    """``result.error`` with its own parts (:func:`_own_parts`) masked: the same for each task that
    failed the same way on its own input."""
    text = result.error or ""
    for part in sorted(_own_parts(result), key=len, reverse=True):
        text = text.replace(part, "…")
    return text


def listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _answered(result: TaskResult) -> bool:
    """Whether ``result``, a stand-in, gave an answer: it succeeded with text ("0 people found in
    slide.png"). Whether that text is the whole answer is its choice's ``answers_whole``."""
    return result.status == "succeeded" and bool(result.text)


def _how_to_run(type_: str, group: Sequence[TaskResult], choices: Sequence[ModelChoice], said: str) -> str:
    """How to get a model of ``type_``, which no model here gives, for the tasks of ``group`` that stood
    in for it: the download command their choice's reason names (" (to run one: `hf download ...`)"),
    else a pointer at ``hugginggpt doctor``; nothing when no choice of theirs is known, a warning
    (theirs, or of the plan: ``said``) already gives a download command, or every one of them
    answered the image question itself with an output that holds the whole answer (:func:`_answered`
    and the choice's ``answers_whole``: "how many people are in slide.png?" by the detector's count
    needs no other model)."""
    ids = {r.task_id for r in group}
    said = " ".join([said, *(w for r in group for w in r.warnings)])
    theirs = [c for c in choices if c.task_id in ids and c.stands_in_for == type_]
    reasons = [c.reason for c in theirs]
    if not reasons or "`hf download" in said:
        return ""
    if all(_answered(r) for r in group) and all(c.answers_whole for c in theirs):
        return ""
    from .selection.reasons import FETCH_RE  # local: selection's imports are heavier than the response's

    fetch = next((m.group(0) for reason in reasons for m in [FETCH_RE.search(reason)] if m), None)
    return f" (to run one: {fetch})" if fetch else " (`hugginggpt doctor` shows how to run one)"


def _stand_in_lines(results: Sequence[TaskResult], choices: Sequence[ModelChoice] = (),
                    plan: Plan | None = None) -> list[str]:
    """One line per kind of stand-in: which tasks ran which type for which and why, said once for
    every task that stood in the same way for the same reason on its own input ("caption these
    photos": three labels for three captions, each photo without text), with the inputs of the
    others named; tasks are named by their ids. The stand-ins for a type no model here can give
    share one line, whichever types they ran ("task 0 ran automatic-speech-recognition and task 1
    text-classification for the audio-classification asked for": speech emotion judged by the words),
    with how to run a model of that type (:func:`_how_to_run`) when ``choices`` are given."""
    groups: dict[tuple[str, str, bool, str], list[TaskResult]] = {}
    for r in results:
        if r.stands_in_for:
            groups.setdefault((r.task, r.stands_in_for, _fallback_ran(r), _general(r)), []).append(r)
    order: list[tuple[bool, str]] = []  # (True, line) or (False, a type no model here can give), in order
    unavailable: dict[str, list[str]] = {}  # such a type -> "task 0 ran X", "task 1 Y": said on one line
    standing: dict[str, list[TaskResult]] = {}  # such a type -> the tasks that stood in for it
    for group in groups.values():
        head = group[0]
        numbers = f"{'task' if len(group) == 1 else 'tasks'} {listed([str(r.task_id) for r in group])}"
        if not _fallback_ran(head):
            if head.stands_in_for not in unavailable:
                order.append((False, head.stands_in_for))
            ran = unavailable.setdefault(head.stands_in_for, [])
            ran.append(f"{numbers} {'' if ran else 'ran '}{head.task}")
            standing.setdefault(head.stands_in_for, []).extend(group)
            continue
        said = set(_own_parts(head))
        others = list(dict.fromkeys(p for r in group[1:] for p in _own_parts(r) if p not in said))
        same = f"; the same for {listed(others)}" if others else ""
        order.append((True, f"{numbers} ran {head.task} for the {head.stands_in_for} asked for, which its models "
                            f"could not give: {head.error}{same}"))
    said = " ".join(plan.warnings if plan else [])
    return [text if is_line else f"{listed(unavailable[text])} for the {text} asked for, which no model here can give"
            f"{_how_to_run(text, standing[text], choices, said)}" for is_line, text in order]


def stand_in_note(results: Sequence[TaskResult], choices: Sequence[ModelChoice] = (), plan: Plan | None = None) -> str:
    """Which tasks ran a stand-in for the type asked for, and why, once for the tasks that stood in
    alike (:func:`_stand_in_lines`, tasks named by their ids), and, given the ``choices``, how to run
    a model of a type no model here gives unless a warning of ``plan`` or a result says it; empty when none."""
    lines = [f"- {line}" for line in _stand_in_lines(results, choices, plan)]
    return "Stand-ins:\n" + "\n".join(lines) if lines else ""


def failure_note(results: Sequence[TaskResult]) -> str:
    """Which tasks failed or were skipped and why, one line each; empty when none did."""
    lines = [f"- task {r.task_id} ({r.task}) {r.status}: {_model_named_once(r.error or 'no reason recorded')}"
             for r in results if r.status != "succeeded"]
    return "Tasks that did not succeed:\n" + "\n".join(lines) if lines else ""


def cut_note(results: Sequence[TaskResult]) -> str:
    """Under an answer the LLM wrote: the results whose text it read only in part (cut at
    :data:`_MAX_TEXT` characters, :func:`result_record`), one line each with where the whole text is;
    empty when none was cut."""
    lines = [f"- task {r.task_id} ({r.task}): the LLM read the first {_MAX_TEXT:,} of {len(r.text):,} "
             f"characters; the whole text is {_whole_text_at(r)}" for r in results if r.text and len(r.text) > _MAX_TEXT]
    return "Texts cut for the LLM:\n" + "\n".join(lines) if lines else ""


def llm_failure(exc: BaseException) -> str:
    """An LLM call's error on one line, clipped: "ConnectionError: provider down: 503"."""
    text = " ".join(str(exc).split()) or "no message"
    return _clip(f"{type(exc).__name__}: {text}", _MAX_ERROR)


class Responder:
    """Writes the answer: with ``llm`` through HuggingGPT's response prompt, else :func:`summarize`.

    When the LLM's call raises (any error: the provider is down, a timeout, a rate limit, a bad
    key) or has not answered within ``timeout_s`` (None: ``Settings.llm_timeout_s``,
    ``HUGGINGGPT_LLM_TIMEOUT``), the answer is :func:`summarize`'s with a warning naming the error
    or the limit and how to raise it, so a finished run's results and files still reach the caller.
    """

    def __init__(self, llm: BaseChatModel | None = None, timeout_s: float | None = None) -> None:
        self.llm = llm
        self.timeout_s = llm_timeout(timeout_s) if llm is not None or timeout_s is not None else None

    def messages(
        self, request: str, plan: Plan, choices: Sequence[ModelChoice], results: Sequence[TaskResult],
        chat_history: Sequence[BaseMessage] = (),
    ) -> list[BaseMessage]:
        models = [{"task_id": c.task_id, "model": c.model_id, "reason": c.reason} for c in choices]
        user = render_prompt(
            "response_user", request=request,
            plan=json.dumps(plan.to_hugginggpt(), ensure_ascii=False),
            models=json.dumps(models, ensure_ascii=False),
            results=json.dumps([result_record(r) for r in results], ensure_ascii=False),
        )
        return [SystemMessage(render_prompt("response_system")), *chat_history, HumanMessage(user)]

    async def arespond(
        self, request: str, plan: Plan, choices: Sequence[ModelChoice], results: Sequence[TaskResult],
        chat_history: Sequence[BaseMessage] = (), files: Sequence[str] = (),
    ) -> str:
        """The answer; ``files``, the files given with the request, are named in it when nothing was
        planned (:func:`nothing_planned`)."""
        if self.llm is None:
            return redact(summarize(request, plan, choices, results, files))
        messages = self.messages(request, plan, choices, results, chat_history)
        try:
            reply = await ainvoke_within(self.llm, messages, llm_timeout(self.timeout_s), what="while writing the answer")
        except Exception as exc:  # noqa: BLE001 - any provider error: the deterministic summary answers
            logger.warning("The LLM failed to write the answer (%s); answering with the built-in summary",
                           redact(llm_failure(exc)))
            noted = plan.model_copy(update={"warnings": [*plan.warnings, _unanswered(exc)]})
            return redact(summarize(request, noted, choices, results, files))
        notes = [n for n in (stand_in_note(results, choices, plan), failure_note(results), missing_note(plan),
                             warning_note(plan, results), cut_note(results), files_note(results, str(reply.text))) if n]
        return redact("\n\n".join([str(reply.text), *notes]))


def files_note(results: Sequence[TaskResult], text: str = "") -> str:
    """The files the tasks wrote that ``text`` (an answer an LLM wrote) does not name, as the built-in
    answer lists them ("Files written:" and a line each), so a reader, or an LLM calling the agent as a
    tool, knows where the audio or picture is; empty when it names them all."""
    files = [a.path for r in results for a in r.artifacts if a.path not in text]
    return "\n".join(["Files written:", *(f"- {f}" for f in files)]) if files else ""


def _unanswered(exc: Exception) -> str:
    """The warning of an answer the LLM could not write, so the built-in summary wrote it: past its time
    limit (:class:`LLMTimeoutError`), how to wait longer; a server that answered, but not as a chat API
    (:class:`LLMReplyError`: not JSON, an HTML page), the address to check; else its error and what to check."""
    if isinstance(exc, LLMTimeoutError):
        return (f"the LLM did not answer within {exc.timeout_s:g} s, so this is the built-in summary of the results; "
                f"{wait_longer_fix(exc.timeout_s)}")
    if isinstance(exc, LLMReplyError):
        return ("the LLM's server answered, but not with the chat API's JSON, so this is the built-in summary of the "
                f"results; {ADDRESS_FIX} ({llm_failure(exc)})")
    return (f"the LLM could not write the answer ({llm_failure(exc)}), so this is the built-in summary "
            "of the results; check the LLM provider (its key, quota and status) and ask again")


__all__ = ["NOTHING_PLANNED", "Responder", "cut_line", "cut_note", "failure_note", "files_note", "is_advice", "listed", "llm_failure", "missing_note", "task_line",
           "nothing_planned", "result_record", "stand_in_note", "summarize", "warning_note"]
