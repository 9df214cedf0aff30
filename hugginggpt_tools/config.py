"""One settings object that reads the environment.

Every environment variable the library reads is a field here, with its default
(:data:`ENV_VARIABLES`); the command line and the server read a few more (:data:`OTHER_VARIABLES`).
Code takes a :class:`Settings` (or calls :func:`get_settings`) instead of reading ``os.environ``
itself. A bad value or an unknown keyword argument is a :class:`~hugginggpt_tools.errors.ConfigError`
naming it, what it must be and the fix.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, Field, ValidationError, field_validator

from .errors import ConfigError, close_hint, unknown_names

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def _default_index_dir() -> Path:
    """The shipped index in the checkout's ``indexes/default``, else a user cache folder."""
    shipped = REPO_DIR / "indexes" / "default"
    if shipped.is_dir():
        return shipped
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "hugginggpt-tools" / "index"


def _default_catalog_dir() -> Path:
    """The user catalog folder: ``HUGGINGGPT_CATALOG_DIR``, else ``$XDG_CACHE_HOME/hugginggpt-tools/catalog``.

    The variable is read here too (not only by :meth:`Settings.from_env`), so a ``Settings()``
    made in code never mixes another catalog into an index the environment points away from.
    """
    if given := os.environ.get("HUGGINGGPT_CATALOG_DIR"):
        return Path(given)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "hugginggpt-tools" / "catalog"


def default_cache_dir() -> Path:
    """The folder of data the package computes once and keeps: ``HUGGINGGPT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/hugginggpt-tools/cache``. Only reproducible data goes there, each file under
    a key of everything it depends on, so deleting the folder costs only time. Read here too (not
    only by :meth:`Settings.from_env`), like :func:`_default_catalog_dir`."""
    if given := os.environ.get("HUGGINGGPT_CACHE_DIR"):
        return Path(given)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "hugginggpt-tools" / "cache"


def _content_types() -> tuple[str, ...]:
    from .policy import DEFAULT_CONTENT_TYPES

    return DEFAULT_CONTENT_TYPES


class Settings(BaseModel):
    """Runtime settings. ``Settings.from_env()`` reads the ``HUGGINGGPT_*`` variables."""

    output_dir: Path = Field(
        default=Path("hugginggpt_outputs"),
        description="Where produced files go (HUGGINGGPT_OUTPUT_DIR), one folder per session.",
    )
    index_dir: Path = Field(
        default_factory=_default_index_dir,
        description="Folder of the model index (HUGGINGGPT_INDEX_DIR).",
    )
    top_k: int = Field(default=5, ge=1, description="Candidates kept per task (HUGGINGGPT_TOP_K).")
    num_threads: int = Field(
        default=1, ge=1, description="Torch / ONNX threads for local inference (HUGGINGGPT_NUM_THREADS); more than "
        "the machine's cores is cut to their number, with a warning.",
    )
    device: str = Field(default="cpu", description="Device for transformers pipelines (HUGGINGGPT_DEVICE).")
    max_concurrency: int = Field(
        default=4, ge=1, description="Tasks running at once (HUGGINGGPT_MAX_CONCURRENCY)."
    )
    task_timeout_s: float = Field(
        default=300.0, gt=0, description="Time limit of one task (HUGGINGGPT_TASK_TIMEOUT)."
    )
    pipeline_cache_size: int = Field(
        default=4, ge=1, description="Loaded transformers pipelines kept (HUGGINGGPT_PIPELINE_CACHE)."
    )
    popularity_weight: float = Field(
        default=0.15, ge=0, description="Weight of log-downloads in ranking (HUGGINGGPT_POPULARITY_WEIGHT)."
    )
    catalog_dir: Path = Field(
        default_factory=_default_catalog_dir,
        description="Folder of the user catalog: models added with `hugginggpt models add` and cards "
        "refreshed from the Hub, merged into the index (HUGGINGGPT_CATALOG_DIR).",
    )
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="Folder of data computed once and kept, such as the offline planner's embedded example "
        "phrasings (HUGGINGGPT_CACHE_DIR); safe to delete.",
    )
    model_dirs: list[Path] = Field(
        default_factory=list,
        description="Extra folders holding local transformers models (HUGGINGGPT_MODEL_DIRS, ':'-separated).",
    )
    hf_provider: str | None = Field(
        default=None,
        description="Inference Provider for the hf-inference backend, e.g. 'hf-inference' or 'auto' "
        "(HUGGINGGPT_HF_PROVIDER; default: huggingface_hub's choice).",
    )
    hf_base_url: str | None = Field(
        default=None,
        description="URL of a self-hosted endpoint (TGI, TEI, Inference Endpoint) that serves every "
        "hf-inference request (HUGGINGGPT_HF_BASE_URL).",
    )
    hf_timeout_s: float = Field(
        default=60.0, gt=0, description="Time limit of one hf-inference request (HUGGINGGPT_HF_TIMEOUT)."
    )
    llm_timeout_s: float = Field(
        default=120.0, gt=0,
        description="Time limit of one call of the controller LLM: planning, the model choice, the answer and "
        "the llm backend's tasks; past it the planner 'auto' keeps the offline plan and the answer is the "
        "built-in summary of the results (HUGGINGGPT_LLM_TIMEOUT).",
    )
    download_max_bytes: int = Field(
        default=50_000_000, ge=1, description="Largest file downloaded from a URL argument (HUGGINGGPT_DOWNLOAD_MAX_BYTES)."
    )
    download_timeout_s: float = Field(
        default=30.0, gt=0, description="Time limit of one URL download (HUGGINGGPT_DOWNLOAD_TIMEOUT)."
    )
    output_max_age_hours: float = Field(
        default=0.0, ge=0,
        description="Session folders older than this are deleted when a new session starts; 0 keeps them "
        "(HUGGINGGPT_OUTPUT_MAX_AGE_HOURS).",
    )
    output_max_sessions: int = Field(
        default=0, ge=0,
        description="Most session folders kept (oldest deleted first) when a new session starts; 0 keeps all "
        "(HUGGINGGPT_OUTPUT_MAX_SESSIONS).",
    )
    allowed_dirs: list[Path] = Field(
        default_factory=list,
        description="Folders besides the working folder and the session folder whose files a file argument "
        "may name (HUGGINGGPT_ALLOWED_DIRS, ':'-separated); files given with a request are always allowed.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts a URL argument may reach although they are not public: names, addresses or "
        "networks such as 127.0.0.1 or 10.0.0.0/8; '*' allows all (HUGGINGGPT_ALLOWED_HOSTS, comma-separated).",
    )
    download_content_types: list[str] = Field(
        default_factory=lambda: list(_content_types()),
        description="Content types a URL download may have; an entry ending in '/' is a prefix, '*' allows "
        "all (HUGGINGGPT_DOWNLOAD_CONTENT_TYPES, comma-separated).",
    )
    task_retries: int = Field(
        default=2, ge=0,
        description="Retries of a model after a transient remote failure, before falling back to the next "
        "model; the hf-inference backend makes them itself (HUGGINGGPT_TASK_RETRIES).",
    )
    session_turns: int = Field(
        default=10, ge=0,
        description="Recent turns (a request and its answer) a session keeps in its history and sends the "
        "planner and the responding LLM; its files are all kept; 0 keeps none (HUGGINGGPT_SESSION_TURNS).",
    )
    retry_backoff_s: float = Field(
        default=0.5, ge=0,
        description="First retry delay in seconds, doubled each retry, unless the server sends Retry-After "
        "(HUGGINGGPT_RETRY_BACKOFF).",
    )

    @field_validator("num_threads")
    @classmethod
    def _at_most_the_cores(cls, value: int) -> int:
        """More threads than cores slow inference to a crawl (1000 made a 0.6 s OCR take 300 s): cut to the
        cores, with a warning."""
        cores = os.cpu_count() or 1
        if value > cores:
            logger.warning("num_threads=%d is more than this machine's %d core(s); using %d "
                           "(fix: set HUGGINGGPT_NUM_THREADS to %d or fewer)", value, cores, cores, cores)
            return cores
        return value

    def __init__(self, **data: Any) -> None:
        """Validated settings; :class:`ConfigError` for an unknown name (with the closest known
        one) or a value of the wrong kind (naming it, what it must be and the default)."""
        _check_names(data, "Settings")
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(_invalid_message(exc, data, {})) from exc

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings from ``environ`` (default: ``os.environ``), then ``overrides``.

        A bad value is a :class:`ConfigError` naming the variable (``HUGGINGGPT_TOP_K='abc'``), what
        it must be and the fix; an override that is no setting is one naming the closest setting.
        ``HUGGINGGPT_*`` variables that nothing reads are ignored, with one warning per process
        for each (naming the closest known variable). The environment is read once, as a snapshot
        (:func:`_snapshot`), so another thread changing it meanwhile cannot make this fail.
        """
        env = _snapshot(os.environ if environ is None else environ)
        _check_names(overrides, "get_settings")
        _warn_unknown_variables(env)
        values: dict[str, object] = {}
        sources: dict[str, tuple[str, str]] = {}
        for field, (var, separator) in ENV_VARIABLES.items():
            if env.get(var):
                values[field] = env[var] if separator is None else _split(env[var], separator)
                sources[field] = (var, env[var])
        given = {k: v for k, v in overrides.items() if v is not None}
        values.update(given)
        for field in given:
            sources.pop(field, None)
        try:
            return cls(**values)
        except ConfigError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ConfigError(_invalid_message(exc.__cause__, values, sources)) from exc.__cause__
            raise


ENV_VARIABLES: dict[str, tuple[str, str | None]] = {
    "output_dir": ("HUGGINGGPT_OUTPUT_DIR", None),
    "index_dir": ("HUGGINGGPT_INDEX_DIR", None),
    "catalog_dir": ("HUGGINGGPT_CATALOG_DIR", None),
    "cache_dir": ("HUGGINGGPT_CACHE_DIR", None),
    "top_k": ("HUGGINGGPT_TOP_K", None),
    "num_threads": ("HUGGINGGPT_NUM_THREADS", None),
    "device": ("HUGGINGGPT_DEVICE", None),
    "max_concurrency": ("HUGGINGGPT_MAX_CONCURRENCY", None),
    "task_timeout_s": ("HUGGINGGPT_TASK_TIMEOUT", None),
    "pipeline_cache_size": ("HUGGINGGPT_PIPELINE_CACHE", None),
    "popularity_weight": ("HUGGINGGPT_POPULARITY_WEIGHT", None),
    "hf_provider": ("HUGGINGGPT_HF_PROVIDER", None),
    "hf_base_url": ("HUGGINGGPT_HF_BASE_URL", None),
    "hf_timeout_s": ("HUGGINGGPT_HF_TIMEOUT", None),
    "llm_timeout_s": ("HUGGINGGPT_LLM_TIMEOUT", None),
    "download_max_bytes": ("HUGGINGGPT_DOWNLOAD_MAX_BYTES", None),
    "download_timeout_s": ("HUGGINGGPT_DOWNLOAD_TIMEOUT", None),
    "output_max_age_hours": ("HUGGINGGPT_OUTPUT_MAX_AGE_HOURS", None),
    "output_max_sessions": ("HUGGINGGPT_OUTPUT_MAX_SESSIONS", None),
    "task_retries": ("HUGGINGGPT_TASK_RETRIES", None),
    "retry_backoff_s": ("HUGGINGGPT_RETRY_BACKOFF", None),
    "session_turns": ("HUGGINGGPT_SESSION_TURNS", None),
    "model_dirs": ("HUGGINGGPT_MODEL_DIRS", os.pathsep),
    "allowed_dirs": ("HUGGINGGPT_ALLOWED_DIRS", os.pathsep),
    "allowed_hosts": ("HUGGINGGPT_ALLOWED_HOSTS", ","),
    "download_content_types": ("HUGGINGGPT_DOWNLOAD_CONTENT_TYPES", ","),
}
"""The variable of each :class:`Settings` field, and the separator of a list (None: one value)."""

OTHER_VARIABLES: tuple[str, ...] = (
    "HUGGINGGPT_API_KEYS", "HUGGINGGPT_CORS_ORIGINS", "HUGGINGGPT_DEBUG", "HUGGINGGPT_LINK_EXPIRY_HOURS",
    "HUGGINGGPT_LOG_LEVEL", "HUGGINGGPT_MAX_REQUEST_MB", "HUGGINGGPT_RATE_BURST", "HUGGINGGPT_RATE_LIMIT",
    "HUGGINGGPT_REAL_LLM_TESTS",
)
"""``HUGGINGGPT_*`` variables read outside :class:`Settings`: by the command line (log level,
tracebacks), the server (keys, links, limits) and the tests."""

_warned_variables: set[str] = set()
_warned_lock = threading.Lock()
"""Held while :func:`_warn_unknown_variables` checks and adds to :data:`_warned_variables`, so two
threads reading the settings at once warn of a variable once."""


def _snapshot(env: Any) -> dict[str, str]:
    """A copy of the mapping ``env``, each value read once; a variable another thread unsets while
    it is copied is left out (``list(os.environ)`` copies its names at once, so it cannot raise)."""
    copy = {}
    for name in list(env):
        value = env.get(name)
        if value is not None:
            copy[name] = value
    return copy


def _split(value: str, separator: str) -> list[str]:
    return [p.strip() if separator == "," else p for p in value.split(separator) if p.strip()]


def _check_names(data: dict[str, object], where: str) -> None:
    """:class:`ConfigError` naming each key of ``data`` that is no setting, with the closest one."""
    hints = unknown_names(data, Settings.model_fields)
    if hints:
        raise ConfigError(f"{where}() got unknown setting(s) {', '.join(hints)}. The settings are: "
                          f"{', '.join(Settings.model_fields)}.")


def _warn_unknown_variables(env: Any) -> None:
    """One warning per process for each ``HUGGINGGPT_*`` variable of ``env`` nothing reads (a typo,
    usually); :data:`_warned_lock` makes the check and the note of a warning one step, so two
    threads reading the settings at once do not both warn."""
    known = [var for var, _ in ENV_VARIABLES.values()] + list(OTHER_VARIABLES)
    unknown = [name for name in list(env) if name.startswith("HUGGINGGPT_") and name not in known]
    with _warned_lock:
        new = [name for name in unknown if name not in _warned_variables]
        _warned_variables.update(new)
    for name in new:
        logger.warning("ignoring the environment variable %s: no setting has that name%s", name, close_hint(name, known))


_KINDS: dict[Any, str] = {int: "a whole number", float: "a number", Path: "a path", str: "a text"}


def _expected(field: str) -> str:
    """What a value of ``field`` must be, in words: "a whole number of at least 1"."""
    info = Settings.model_fields[field]
    kinds = [_KINDS.get(a, "a value") for a in get_args(info.annotation) if a is not type(None)]
    if get_origin(info.annotation) is list:
        text = "a list of " + kinds[0].split(" ", 1)[1] + "s"
    else:
        text = kinds[0] if kinds else _KINDS.get(info.annotation, "a valid value")
    for bound in info.metadata:
        if getattr(bound, "ge", None) is not None:
            text += f" of at least {bound.ge}"
        elif getattr(bound, "gt", None) is not None:
            text += f" above {bound.gt}"
    return text


def _meaning(field: str) -> str:
    """The field's description without the variable's name: "Candidates kept per task"."""
    description = (Settings.model_fields[field].description or field).split(" (HUGGINGGPT_")[0].rstrip(".")
    return description[0].lower() + description[1:] if description[1:2].islower() else description


def _invalid_message(exc: ValidationError, values: dict[str, object], sources: dict[str, tuple[str, str]]) -> str:
    """Each bad setting, by its variable and text when it came from the environment (``sources``:
    field to variable and value), what it must be and the fix."""
    problems: list[str] = []
    for field in dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e.get("loc")):
        info = Settings.model_fields[field]
        default = None if info.default_factory is not None or info.default in (None, "") else info.default
        default = f"{default:g}" if isinstance(default, float) else default
        need = f"{_expected(field)} ({_meaning(field)})"
        if field in sources:
            var, raw = sources[field]
            example = f"set {var}={default} (the default) or another such value" if default is not None else \
                f"set {var} to such a value"
            problems.append(f"{var}={raw!r} is not valid: it must be {need}. Fix the HUGGINGGPT_* variable: "
                            f"{example}, or unset it")
        else:
            example = f", e.g. {field}={default} (the default)" if default is not None else ""
            problems.append(f"{field}={values.get(field)!r} is not valid: it must be {need}. Pass such a "
                            f"value{example}")
    return "Invalid setting: " + "; ".join(problems) + "."


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment with ``overrides`` applied."""
    return Settings.from_env(**overrides)


def hf_token(environ: dict[str, str] | None = None) -> str | None:
    """The Hugging Face token from HF_TOKEN or HUGGING_FACE_HUB_TOKEN, if set."""
    env = os.environ if environ is None else environ
    return env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN") or None


def apply_thread_limits(num_threads: int) -> None:
    """Limit torch's threads when torch is already loaded or about to be (call before inference)."""
    import torch  # local: heavy

    if torch.get_num_threads() != num_threads:
        torch.set_num_threads(num_threads)


__all__ = ["ENV_VARIABLES", "OTHER_VARIABLES", "PACKAGE_DIR", "REPO_DIR", "Settings", "apply_thread_limits",
           "default_cache_dir", "get_settings", "hf_token"]
