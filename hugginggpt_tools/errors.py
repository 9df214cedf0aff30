"""The package's exception taxonomy.

Every error hugginggpt-tools raises derives from :class:`HuggingGPTError`, so callers (and the
CLI) can catch one class. Errors are grouped by whose fault they are:

* developer misuse and setup (:class:`ConfigError`, :class:`MissingExtraError`),
* an invalid plan from a planner (:class:`PlanError` and its subclasses), which the LLM planner
  sends back to the LLM as a correction,
* inference failures (:class:`BackendError`, :class:`ModelNotAvailableError`), recorded on the
  task result instead of aborting the run,
* the controller LLM failing while planning (:class:`LLMCallError`), which stops the run,
* bad user input (:class:`InputError`).

Messages name the bad value, the valid options and the fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable


class HuggingGPTError(Exception):
    """Base class of every error raised by hugginggpt-tools."""


class ConfigError(HuggingGPTError):
    """A setting, argument or environment variable has an invalid value."""


class MissingExtraError(HuggingGPTError, ImportError):
    """An optional dependency is not installed; the message gives the pip command."""

    def __init__(self, package: str, extra: str, purpose: str = "") -> None:
        self.package = package
        self.extra = extra
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(
            f"The package {package!r} is not installed{what}. "
            f"Install it with: pip install 'hugginggpt-tools[{extra}]'"
        )


class InputError(HuggingGPTError, ValueError):
    """A user input (request, file, argument) is invalid or missing."""


class AgentInputError(ConfigError, InputError):
    """The agent was invoked with an input of the wrong shape (no request, an empty one): a
    :class:`ConfigError` for Python callers, an :class:`InputError` (400) for a served request."""


class PlanError(HuggingGPTError, ValueError):
    """A plan is invalid. ``problems`` lists every problem found, each with its fix."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = list(problems or [message])
        super().__init__(message)


class PlanParseError(PlanError):
    """The planner's output could not be parsed as a task list."""


class UnknownTaskError(PlanError):
    """A task names a task type that is not in the registry and has no alias."""


class DanglingReferenceError(PlanError):
    """An argument references a task that does not exist or comes later in the plan."""


class CycleError(PlanError):
    """The tasks' dependencies form a cycle (a task depending on itself included)."""


class ModalityError(PlanError):
    """An argument has the wrong modality (a text where the task needs an image, ...)."""


class DuplicateTaskIdError(PlanError):
    """Two tasks share an id."""


class ModelIndexError(HuggingGPTError):
    """The model index or catalog is missing, corrupt or does not match its manifest."""


class ModelNotAvailableError(HuggingGPTError):
    """No configured backend can run any model for a task right now."""


class BackendError(HuggingGPTError):
    """A backend failed to run a model (load error, inference error, bad output)."""


class TaskTimeoutError(BackendError):
    """A task did not finish within its time limit."""


class TransientBackendError(BackendError):
    """A remote failure that may pass if tried again (rate limited, overloaded, connection dropped).

    The executor retries the same model with backoff before falling back to the next one.
    """


class LLMCallError(HuggingGPTError):
    """The controller LLM's call failed while planning (the provider is down, a timeout, a rate
    limit, a bad key), so nothing was run; the message names the LLM's error and the fix. The
    server answers it with 502. (The response stage and ``planner="auto"`` fall back instead.)"""


class LLMTimeoutError(LLMCallError):
    """A chat model did not answer within its time limit (``Settings.llm_timeout_s``,
    ``HUGGINGGPT_LLM_TIMEOUT``); ``timeout_s`` is that limit. The message names the model, the
    limit and how to raise it. Not a ``TimeoutError``: the executor reads one raised by a backend
    as its task's own time limit passing."""

    def __init__(self, message: str, timeout_s: float) -> None:
        super().__init__(message)
        self.timeout_s = timeout_s


class LLMReplyError(LLMCallError):
    """A chat model's server answered, but not as a chat API does: a reply that is not JSON (bytes
    that are not UTF-8, a JSON decoding error) or a page of another kind (a proxy's login page as
    ``text/html``). The message names the server's address (``OPENAI_BASE_URL``) to check, not the
    key or quota: a server that answers is reachable."""


def close_hint(name: object, known: Iterable[str]) -> str:
    """" (did you mean X?)" for the known name closest to ``name``, or "" when none is close (for
    the messages of :class:`ConfigError` and the like; ``__all__`` lists the error classes only).
    Case is ignored in the comparison ("ner2" is close to "NER"); X is spelled as known."""
    import difflib

    spelled = {k.casefold(): k for k in reversed(list(known))}  # the first spelling of a name wins
    close = difflib.get_close_matches(str(name).casefold(), list(spelled), n=1)
    return f" (did you mean {spelled[close[0]]}?)" if close else ""


def unknown_names(data: Iterable[object], known: Collection[str]) -> list[str]:
    """The names of ``data`` not in ``known``, each quoted with the closest known one."""
    return [f"{str(name)!r}{close_hint(name, known)}" for name in data if name not in known]


__all__ = [
    "AgentInputError",
    "BackendError",
    "ConfigError",
    "CycleError",
    "DanglingReferenceError",
    "DuplicateTaskIdError",
    "HuggingGPTError",
    "InputError",
    "LLMCallError",
    "LLMReplyError",
    "LLMTimeoutError",
    "MissingExtraError",
    "ModalityError",
    "ModelIndexError",
    "ModelNotAvailableError",
    "PlanError",
    "PlanParseError",
    "TaskTimeoutError",
    "TransientBackendError",
    "UnknownTaskError",
]
