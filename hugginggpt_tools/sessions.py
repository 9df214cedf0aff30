"""Sessions: what carries from one turn of a conversation to the next.

A session keeps its chat history, the files the user gave and the files the runs produced
(in its own artifact folder), so "now read that caption aloud" can use the caption of the
previous turn and a file given earlier stays addressable by name. Sessions are isolated from
each other; a run without a session id gets a fresh, private one.

A session keeps the last ``Settings.session_turns`` turns of its history
(``HUGGINGGPT_SESSION_TURNS``, default :data:`SESSION_TURNS`: what the planner and the responding
LLM are sent); all its files stay addressable. A session lives in memory;
:meth:`Session.save` writes its history and files to ``session.json`` in its artifact folder and
:meth:`SessionManager.restore` reads them back, so a conversation can go on in another process
(``hugginggpt run --session NAME``). Saving is atomic and locked, and merges the turns that another
process saved meanwhile, so two runs of one session at once both keep their turn. A session read
back is checked before its run: its folder must be writable (:meth:`Session.check_writable`), and of
the files ``session.json`` lists only those the file policy allows are kept (the session's folder,
the working folder, ``Settings.allowed_dirs``; :class:`~hugginggpt_tools.policy.FilePolicy`), as a
file a request names is checked, since the file may have been edited.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from .artifacts import ArtifactStore, check_session_id
from .config import Settings
from .errors import ConfigError, InputError
from .planning.clauses import FILES_LINE, GIVEN, NO_RESULT, OUTPUTS, READ_AS
from .policy import FilePolicy
from .schemas import Answer

logger = logging.getLogger(__name__)

SESSION_FILE = "session.json"
"""The file in a session's artifact folder that :meth:`Session.save` writes (not an artifact)."""

SESSION_TURNS: int = Settings.model_fields["session_turns"].default
"""How many recent turns (a request and its answer) a session keeps in its history by default
(``Settings.session_turns``, ``HUGGINGGPT_SESSION_TURNS``, sets it for a :class:`SessionManager`):
what the planner and the responding LLM are sent, and what ``session.json`` holds. Older turns are
dropped, so the prompt, the memory and the file stay small. The session's files are all kept: a
later request may still name one."""


def recent_turns(history: Sequence[BaseMessage], turns: int | None = None) -> list[BaseMessage]:
    """The messages of the last ``turns`` (default :data:`SESSION_TURNS`) turns of ``history``,
    each turn starting at a human message, so a request is never kept without its answer."""
    turns = SESSION_TURNS if turns is None else turns
    starts = [i for i, m in enumerate(history) if isinstance(m, HumanMessage)]
    if len(starts) <= turns:
        return list(history)
    return list(history[starts[-turns]:]) if turns > 0 else []


@dataclass
class Session:
    """One conversation: its history (its last ``max_turns`` turns, default :data:`SESSION_TURNS`),
    files and artifact store."""

    id: str
    store: ArtifactStore
    history: list[BaseMessage] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    max_turns: int | None = None
    _unsaved: list[BaseMessage] = field(default_factory=list, init=False, repr=False)
    """The turns recorded since the session was loaded or saved (what :meth:`save` adds to turns saved meanwhile)."""
    _saved: list | None = field(default=None, init=False, repr=False)
    """The history in the session file as this session last read or wrote it; None when it did neither."""
    _roots: tuple[Path, ...] = field(default=(), init=False, repr=False)
    """The folders besides its own whose files the session file may list (:meth:`load`'s ``roots``)."""

    def add_files(self, paths: Sequence[str]) -> None:
        """Remember files (absolute paths) so later turns can name them."""
        for path in paths:
            resolved = str(Path(path).resolve())
            if resolved not in self.files:
                self.files.append(resolved)

    def record_turn(self, request: str, answer: Answer, given: Sequence[str] = ()) -> None:
        """Append the turn to the history and remember the files it produced. A turn that got no
        result (its tasks all failed or found nothing, or all were left out for want of an input, or it planned
        nothing and no chat model answered it) is marked ``NO_RESULT`` in its reply's ``additional_kwargs``, so the next turn's
        "read that aloud" finds nothing to read instead of the failure's wording; else its text
        outputs are listed there by task type (``OUTPUTS``), so a later "the transcript" finds it.
        The names of the files ``given`` with the request are kept on it (``GIVEN``), so a later
        "what about slide.png?" does to slide.png what was done to the file given. Only the last
        ``max_turns`` turns stay in the history (:func:`recent_turns`)."""
        self.add_files(answer.files)
        from .response import is_advice  # local: the responder loads LangChain's chat model classes

        asked = bool(answer.plan.tasks or answer.plan.missing)
        # a turn that planned nothing has a result only when a chat model answered it: the built-in
        # reply is advice ("for example: read the text in invoice.png aloud"), no text or file names,
        # also when it stands in for a chat model that failed
        produced = (not asked and answer.trace.llm_calls > 0 and not is_advice(answer.text)) or any(
            r.status == "succeeded" and not r.no_result for r in answer.results)
        outputs = [[r.task, r.text] for r in _texts_made(answer)]
        reply = AIMessage(turn_summary(answer), additional_kwargs={OUTPUTS: outputs} if produced else {NO_RESULT: True})
        asked_with = {GIVEN: [Path(str(f)).name for f in given]} if given else {}
        if answer.plan.read_as and answer.plan.read_as != request:
            asked_with[READ_AS] = answer.plan.read_as
        turn = [HumanMessage(request, additional_kwargs=asked_with), reply]
        self.history = recent_turns([*self.history, *turn], self.max_turns)
        self._unsaved = recent_turns([*self._unsaved, *turn], self.max_turns)

    @property
    def path(self) -> Path:
        """Where :meth:`save` writes the session: ``session.json`` in its artifact folder."""
        return self.store.folder / SESSION_FILE

    @property
    def turns(self) -> int:
        """How many turns the session's history holds (at most ``max_turns``)."""
        return sum(isinstance(m, HumanMessage) for m in self.history)

    def save(self) -> Path:
        """Write the history and files to :attr:`path`; :meth:`SessionManager.restore` reads them back.
        The artifacts are already in the folder, with their manifest.

        The write is atomic: a temporary file, flushed to disk, replaces the file whole, so a reader
        never sees half a file and a failed write leaves the previous file as it was. It is locked
        against other processes saving the session (:func:`_locked`); when one saved since this
        session was loaded (two runs of one session at once), the turns recorded here go after the
        turns it saved, and the files of both are kept, so neither turn is lost.
        :class:`~hugginggpt_tools.errors.ConfigError` naming the file, the error and the fix when it
        cannot be written (:meth:`_unwritable`)."""
        from langchain_core.messages import messages_to_dict  # local: it loads language_models (0.3 s)

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _locked(self.path.with_name(f".{SESSION_FILE}.lock")):
                self._merge_saved()
                body = {"version": 1, "id": self.id, "history": messages_to_dict(self.history), "files": self.files}
                text = json.dumps(body, ensure_ascii=False, indent=1)
                _write_whole(self.path, text)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        self._saved, self._unsaved = json.loads(text)["history"], []
        return self.path

    def _merge_saved(self) -> None:
        """When the session file holds another history than this session last read or wrote (another
        process saved a turn since), take its history with the turns recorded here after it, and add
        its files that are still there to this session's."""
        from langchain_core.messages import messages_from_dict

        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
            saved, files = body["history"], [f for f in body.get("files", []) if isinstance(f, str)]
            if saved == self._saved:
                return
            history = messages_from_dict(saved)
        except (OSError, ValueError, KeyError, TypeError):  # none, or not a session: it is replaced
            return
        self.history = recent_turns([*history, *self._unsaved], self.max_turns)
        self.add_files(self._allowed(files))

    def check_writable(self) -> None:
        """Raise :class:`ConfigError` naming the session's folder, the system's reason and the fix unless
        :meth:`save` can write there (the folder is created when missing; a file is made and removed in
        it, and its lock file opened): checked before a run whose session is saved after it
        (:meth:`SessionManager.restore`), so a folder that cannot be written is said before the work is
        done, not after."""
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{SESSION_FILE}.check-"):
                pass
            with open(self.path.with_name(f".{SESSION_FILE}.lock"), "a+b"):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise ConfigError(f"Cannot write in the folder of session {self.id!r}, {str(folder)!r} ({reason}), so "
                              f"the session could not be saved after the run; nothing was run. Fix: "
                              f"{self._fix(exc)}, or give another output folder with --output-dir "
                              "(HUGGINGGPT_OUTPUT_DIR; in Python Settings(output_dir=...)) to start the session anew "
                              "there.") from exc

    def _fix(self, exc: OSError) -> str:
        """What to do about ``exc``, an error writing in the session's folder."""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return "free some disk space"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"make {str(self.path.parent)!r} writable"
        return f"check that {str(self.path.parent)!r} can be written"

    def _allowed(self, files: Sequence[str]) -> list[str]:
        """The files of ``files`` (listed in the session file) that the file policy allows: regular files
        inside the session's folder or :attr:`_roots`, symlinks followed
        (:class:`~hugginggpt_tools.policy.FilePolicy`), as a file a request names is checked. Each other
        one that is there is left out with a warning naming it and the fix (the session file may have
        been edited); one that is gone is left out quietly, as before."""
        policy = FilePolicy.create([self.store.folder, *self._roots])
        kept = []
        for name in files:
            if not Path(name).is_file():
                continue
            if policy.allows(name):
                kept.append(name)
                continue
            folders = ", ".join(str(r) for r in policy.roots)
            logger.warning("session %r: left out %r, listed in %s: it is outside the folders a session's files may "
                           "come from (%s); give it again with --file, or add its folder to HUGGINGGPT_ALLOWED_DIRS "
                           "(Settings.allowed_dirs)", self.id, name, self.path, folders)
        return kept

    def _unwritable(self, exc: OSError) -> ConfigError:
        """The error for a session file that cannot be written: the file, the system's reason, and the fix."""
        reason = exc.strerror or str(exc)
        return ConfigError(f"Cannot save the session file {str(self.path)!r} ({reason}); the file is as it was "
                           f"before. Fix: {self._fix(exc)}, then ask again in session {self.id!r}, or give another output "
                           "folder with --output-dir (HUGGINGGPT_OUTPUT_DIR; in Python Settings(output_dir=...)) "
                           "to start the session anew there.")

    def load(self, roots: Sequence[str | Path] = ()) -> None:
        """Read back what :meth:`save` wrote, when there is such a file: the history (its last
        ``max_turns`` turns) replaces this session's, and the files that are still there and lie in
        the session's folder or one of ``roots`` (the working folder, ``Settings.allowed_dirs``;
        :meth:`_allowed`) join its own. :class:`InputError` naming the file and the fix when it cannot
        be read as a session."""
        from langchain_core.messages import messages_from_dict  # local: it loads language_models (0.3 s)

        self._roots = tuple(Path(r) for r in roots)

        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            raise self._unreadable(f"{type(exc).__name__}: {exc}") from exc
        try:
            body = json.loads(text)
            history = messages_from_dict(body["history"])
            files = [f for f in body.get("files", []) if isinstance(f, str)]
        except (ValueError, KeyError, TypeError) as exc:
            raise self._unreadable(f"not a saved session ({type(exc).__name__}: {str(exc)[:80]})") from exc
        self._saved, self._unsaved = body["history"], []
        self.history = recent_turns(history, self.max_turns)
        self.add_files(self._allowed(files))

    def _unreadable(self, why: str) -> InputError:
        return InputError(f"Cannot read the session file {str(self.path)!r}: {why}; delete it to start session "
                          f"{self.id!r} afresh, or use another session name.")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created when missing; it stays, empty) while the
    block runs, waiting for another process that holds it: ``fcntl.flock`` on POSIX,
    ``msvcrt.locking`` on Windows (which gives up after about 10 s with :class:`OSError`), no lock
    where neither exists (:meth:`Session.save` still merges what it finds saved)."""
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:
            fcntl = None
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released as the file is closed
            yield
            return
        try:
            import msvcrt
        except ImportError:
            yield
            return
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        try:
            yield
        finally:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all or nothing: into a temporary file beside it, flushed to disk,
    that then replaces it; on any failure the temporary file is removed and ``path`` is as it was."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def _texts_made(answer: Answer) -> list:
    """The turn's results that succeeded with a text and no file, in order; not one whose text says it found
    nothing (its ``no_result``: a question no passage answers), which is no text to work on."""
    return [r for r in answer.results if r.status == "succeeded" and r.text and not r.artifacts and not r.no_result]


def turn_summary(answer: Answer) -> str:
    """What a turn produced, for the next turn's planner: its final texts and its files.

    The text outputs that no other task of the turn consumed come first (so "it" and "that"
    in the next request mean them; when every text fed another task, as OCR feeds speech, the
    latest text), then the files written, on a line of their own.
    """
    consumed = {ref for t in answer.plan.tasks for ref in t.references()}
    made = _texts_made(answer)
    texts = [r.text for r in made if r.task_id not in consumed] or [r.text for r in made[-1:]]
    lines = texts or ([answer.text] if not answer.files else [])
    if answer.files:
        lines.append(FILES_LINE + ", ".join(answer.files))
    return "\n".join(lines)


class SessionManager:
    """Sessions by id, in memory, the least recently used dropped beyond ``max_sessions``.

    Dropping a session forgets its history; its files stay on disk until the artifact store's
    cleanup policy (``Settings.output_max_age_hours`` / ``output_max_sessions``) removes them,
    which runs whenever a session is opened. Each session keeps the last ``max_turns`` turns of
    its history (default ``settings.session_turns``, ``HUGGINGGPT_SESSION_TURNS``).
    """

    def __init__(self, settings: Settings, max_sessions: int = 256, max_turns: int | None = None) -> None:
        self.settings = settings
        self.max_sessions = max_sessions
        self.max_turns = settings.session_turns if max_turns is None else max_turns
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str | None = None) -> Session:
        """The session ``session_id`` (created on first use), or a fresh private one for None."""
        sid = uuid.uuid4().hex[:12] if session_id is None else check_session_id(str(session_id))
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                store = ArtifactStore.open(self.settings, sid)
                session = self._sessions[sid] = Session(sid, store, max_turns=self.max_turns)
            self._sessions.move_to_end(sid)
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
            return session

    def restore(self, session_id: str) -> Session:
        """The session ``session_id`` with what an earlier process saved of it (:meth:`Session.save`)
        read back when this manager has not opened it yet: its history and the files the file policy
        allows (in its folder, the working folder or ``settings.allowed_dirs``), and its artifacts
        (the store reads its manifest). :class:`ConfigError` naming the folder and the fix, before
        anything is run, when the session could not be saved there (:meth:`Session.check_writable`)."""
        fresh = check_session_id(str(session_id)) not in self
        session = self.get(session_id)
        session.check_writable()
        if fresh:
            session.load([Path.cwd(), *self.settings.allowed_dirs])
        return session

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._sessions


__all__ = ["SESSION_FILE", "SESSION_TURNS", "Session", "SessionManager", "check_session_id", "recent_turns",
           "turn_summary"]
