"""One settings object that reads the environment.

Every environment variable the package reads is a field here, with its default. Code takes a
:class:`Settings` (or calls :func:`get_settings`) instead of reading ``os.environ`` itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from .errors import ConfigError

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
    if os.environ.get("HUGGINGGPT_CATALOG_DIR"):
        return Path(os.environ["HUGGINGGPT_CATALOG_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "hugginggpt-tools" / "catalog"


def default_cache_dir() -> Path:
    """The folder of data the package computes once and keeps: ``HUGGINGGPT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/hugginggpt-tools/cache``. Only reproducible data goes there, each file under
    a key of everything it depends on, so deleting the folder costs only time. Read here too (not
    only by :meth:`Settings.from_env`), like :func:`_default_catalog_dir`."""
    if os.environ.get("HUGGINGGPT_CACHE_DIR"):
        return Path(os.environ["HUGGINGGPT_CACHE_DIR"])
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
        default=1, ge=1, description="Torch / ONNX threads for local inference (HUGGINGGPT_NUM_THREADS)."
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
    retry_backoff_s: float = Field(
        default=0.5, ge=0,
        description="First retry delay in seconds, doubled each retry, unless the server sends Retry-After "
        "(HUGGINGGPT_RETRY_BACKOFF).",
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Settings from ``environ`` (default: ``os.environ``), then ``overrides``."""
        env = os.environ if environ is None else environ
        names = {
            "output_dir": "HUGGINGGPT_OUTPUT_DIR",
            "index_dir": "HUGGINGGPT_INDEX_DIR",
            "catalog_dir": "HUGGINGGPT_CATALOG_DIR",
            "cache_dir": "HUGGINGGPT_CACHE_DIR",
            "top_k": "HUGGINGGPT_TOP_K",
            "num_threads": "HUGGINGGPT_NUM_THREADS",
            "device": "HUGGINGGPT_DEVICE",
            "max_concurrency": "HUGGINGGPT_MAX_CONCURRENCY",
            "task_timeout_s": "HUGGINGGPT_TASK_TIMEOUT",
            "pipeline_cache_size": "HUGGINGGPT_PIPELINE_CACHE",
            "popularity_weight": "HUGGINGGPT_POPULARITY_WEIGHT",
            "hf_provider": "HUGGINGGPT_HF_PROVIDER",
            "hf_base_url": "HUGGINGGPT_HF_BASE_URL",
            "hf_timeout_s": "HUGGINGGPT_HF_TIMEOUT",
            "download_max_bytes": "HUGGINGGPT_DOWNLOAD_MAX_BYTES",
            "download_timeout_s": "HUGGINGGPT_DOWNLOAD_TIMEOUT",
            "output_max_age_hours": "HUGGINGGPT_OUTPUT_MAX_AGE_HOURS",
            "output_max_sessions": "HUGGINGGPT_OUTPUT_MAX_SESSIONS",
            "task_retries": "HUGGINGGPT_TASK_RETRIES",
            "retry_backoff_s": "HUGGINGGPT_RETRY_BACKOFF",
        }
        values: dict[str, object] = {f: env[v] for f, v in names.items() if env.get(v)}
        if env.get("HUGGINGGPT_MODEL_DIRS"):
            values["model_dirs"] = [p for p in env["HUGGINGGPT_MODEL_DIRS"].split(os.pathsep) if p]
        if env.get("HUGGINGGPT_ALLOWED_DIRS"):
            values["allowed_dirs"] = [p for p in env["HUGGINGGPT_ALLOWED_DIRS"].split(os.pathsep) if p]
        for field, var in (("allowed_hosts", "HUGGINGGPT_ALLOWED_HOSTS"),
                           ("download_content_types", "HUGGINGGPT_DOWNLOAD_CONTENT_TYPES")):
            if env.get(var):
                values[field] = [p.strip() for p in env[var].split(",") if p.strip()]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**values)
        except ValueError as exc:
            raise ConfigError(f"Invalid setting: {exc}. Fix the HUGGINGGPT_* variable or argument.") from exc


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


__all__ = ["PACKAGE_DIR", "REPO_DIR", "Settings", "apply_thread_limits", "default_cache_dir", "get_settings", "hf_token"]
