"""Model cards from the Hugging Face Hub (or any server answering like it).

:class:`HubClient` wraps ``huggingface_hub.HfApi(endpoint=...)``: ``list_models`` (by pipeline
tag, most downloaded first, with card data), ``model_info`` and the README of a model
(``{endpoint}/{id}/resolve/main/README.md``). Every call is rate-limit aware: a 429 or 5xx
answer, or a failed connection, is retried after the server's ``Retry-After`` (seconds or an
HTTP date) or an exponential backoff (1, 2, 4, ... s), at most ``max_wait`` each, up to
``max_retries`` times (:func:`~hugginggpt_tools.retries.call_with_retries`).

:func:`card_from_model_info` turns what the Hub says about a model into a
:class:`~hugginggpt_tools.schemas.ModelCard` (run by the ``transformers`` or ``hf-inference``
backend). :func:`refresh_catalog` (in :mod:`.refresh`) uses both for ``hugginggpt index refresh``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from itertools import islice
from typing import Any, TypeVar

from ..errors import ModelIndexError
from ..retries import RetryPolicy, call_with_retries, http_status, retry_after
from ..schemas import ModelCard
from ..tasks import find_task
from .languages import ISO_639_1
from .local_models import resolve_task
from .readme import card_fields, clean_markdown, split_front_matter

logger = logging.getLogger(__name__)

HUB_BACKENDS = ["transformers", "hf-inference"]
RETRY_STATUS = (429, 500, 502, 503, 504)
LIST_EXPAND = ["cardData", "downloads", "likes", "pipeline_tag", "tags", "lastModified", "library_name"]
_DROPPED_TAG_PREFIXES = ("region:", "license:", "arxiv:", "base_model:", "doi:", "dataset:", "deploy:")
_DROPPED_TAGS = {"endpoints_compatible", "autotrain_compatible", "has_space", "text-generation-inference"}
MAX_TAGS = 30

T = TypeVar("T")


class HubClient:
    """Rate-limit-aware access to a Hub endpoint (default: ``HF_ENDPOINT`` or huggingface.co).

    ``sleep`` is called with each wait (tests pass a recorder).
    """

    def __init__(self, endpoint: str | None = None, token: str | None = None, *, timeout: float = 30.0,
                 max_retries: int = 5, max_wait: float = 300.0, sleep: Callable[[float], None] = time.sleep) -> None:
        from huggingface_hub import HfApi, constants

        self.endpoint = (endpoint or constants.ENDPOINT).rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retry = RetryPolicy(retries=max_retries, backoff_s=1.0, max_backoff_s=max_wait, jitter=0.0)
        self._sleep = sleep
        self.api = HfApi(endpoint=self.endpoint, token=token)
        self.waits: list[float] = []

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        """``fn()``, retried on 429/5xx answers and connection errors; ModelIndexError when it gives up."""
        import httpx
        from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

        def retryable(exc: Exception) -> bool:
            if isinstance(exc, HfHubHTTPError):
                return http_status(exc) in RETRY_STATUS
            return isinstance(exc, (httpx.TransportError, OSError)) and not isinstance(exc, OfflineModeIsEnabled)

        def gave_up(exc: Exception, retries: int) -> ModelIndexError:
            why = f"HTTP {http_status(exc)}" if isinstance(exc, HfHubHTTPError) else f"{type(exc).__name__}: {exc}"
            tries = f" after {retries + 1} tries" if retries else ""
            hint = ("the Hub is rate limiting: wait and run the command again (it resumes where it stopped)"
                    if "429" in why else f"check the endpoint ({self.endpoint}) and your network or token")
            return ModelIndexError(f"Reading {what} from {self.endpoint} failed{tries} ({why}); {hint}.")

        try:
            return call_with_retries(fn, self.retry, what=f"{what} from {self.endpoint}", retryable=retryable,
                                     give_up=gave_up, sleep=self._wait, log_level=logging.WARNING)
        except OfflineModeIsEnabled as exc:
            raise ModelIndexError(
                f"Cannot read {what} from {self.endpoint}: offline mode is on (HF_HUB_OFFLINE=1). "
                "Unset HF_HUB_OFFLINE to read from the Hub."
            ) from exc
        except HfHubHTTPError as exc:  # a status not in RETRY_STATUS
            raise gave_up(exc, 0) from exc

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self._sleep(seconds)

    def list_models(self, task: str, limit: int) -> list[Any]:
        """The ``limit`` most downloaded models with pipeline tag ``task`` (``ModelInfo`` objects)."""
        def fetch() -> list[Any]:
            found = self.api.list_models(pipeline_tag=task, sort="downloads", limit=limit, expand=LIST_EXPAND)
            return list(islice(found, limit))

        return self._call(f"the {task!r} model list", fetch)

    def model_info(self, model_id: str) -> Any:
        """The Hub's ``ModelInfo`` of ``model_id`` (card data, downloads, likes, tags)."""
        return self._call(f"model {model_id!r}", lambda: self.api.model_info(model_id, expand=LIST_EXPAND))

    def readme(self, model_id: str) -> str:
        """The README of ``model_id`` ("" when it has none, or it is gated: 401/403)."""
        from huggingface_hub import hf_hub_url
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = hf_hub_url(model_id, "README.md", endpoint=self.endpoint)

        def fetch() -> str:
            response = get_session().get(url, headers=build_hf_headers(token=self.token), timeout=self.timeout,
                                         follow_redirects=True)
            if response.status_code in (401, 403, 404):
                return ""
            hf_raise_for_status(response)
            return response.text

        return self._call(f"the README of {model_id!r}", fetch)


def _useful_tags(tags: list[str] | None) -> list[str]:
    return [t for t in tags or [] if t not in _DROPPED_TAGS and not t.startswith(_DROPPED_TAG_PREFIXES)]


def _card_meta(info: Any) -> dict[str, Any]:
    data = getattr(info, "card_data", None)
    if data is None:
        return {}
    return data.to_dict() if hasattr(data, "to_dict") else dict(data)


def card_from_model_info(info: Any, readme: str = "", task: str | None = None) -> ModelCard | None:
    """A card from the Hub's ``ModelInfo`` and README text; None when the task type is not ours.

    Metadata comes from the API's card data, then the README's front matter; languages fall
    back to the language codes among the model's tags and the licence to a ``license:`` tag.
    """
    found = find_task(task or getattr(info, "pipeline_tag", None) or "")
    if found is None:
        return None
    front, body = split_front_matter(readme)
    fields = card_fields({**front, **{k: v for k, v in _card_meta(info).items() if v not in (None, [], "")}})
    tags = list(getattr(info, "tags", None) or [])
    languages = fields["languages"] or [t for t in tags if t in ISO_639_1]
    license_tag = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
    modified = getattr(info, "last_modified", None)
    return ModelCard(
        id=info.id,
        task=found.name,
        backends=list(HUB_BACKENDS),
        downloads=int(getattr(info, "downloads", None) or 0),
        likes=int(getattr(info, "likes", None) or 0),
        description=clean_markdown(body),
        tags=list(dict.fromkeys(fields["tags"] + _useful_tags(tags)))[:MAX_TAGS],
        languages=languages,
        license=fields["license"] or license_tag,
        source="hub",
        last_modified=modified.isoformat() if modified is not None else None,
    )


def card_for_hub_id(model_id: str, *, task: str | None = None, endpoint: str | None = None,
                    token: str | None = None, client: HubClient | None = None) -> ModelCard:
    """A user card for a Hub model: its metadata when the Hub answers, else a minimal card (``task`` needed)."""
    client = client or HubClient(endpoint, token, max_retries=1)
    try:
        info = client.model_info(model_id)
        readme = client.readme(model_id)
    except ModelIndexError as exc:
        if task is None:
            raise ModelIndexError(
                f"Cannot read {model_id!r} from the Hub ({exc}). Pass its task type to register it "
                "without Hub metadata: --task TASK (Python: task=...)."
            ) from exc
        logger.info("registering %s without Hub metadata: %s", model_id, exc)
        return ModelCard(id=model_id, task=resolve_task(task, None, [], repr(model_id)), backends=list(HUB_BACKENDS),
                         description=f"{model_id}: registered by the user without Hub metadata (offline).",
                         source="user")
    resolved = resolve_task(task, getattr(info, "pipeline_tag", None), [], repr(model_id))
    card = card_from_model_info(info, readme, resolved)
    if card is None:  # pragma: no cover - resolve_task only returns registry names
        raise ModelIndexError(f"Unknown task type for {model_id!r}.")
    return card.model_copy(update={"source": "user"})


__all__ = ["HUB_BACKENDS", "HubClient", "card_for_hub_id", "card_from_model_info", "retry_after"]
