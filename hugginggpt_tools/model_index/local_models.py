"""Model cards for a local transformers model folder, built from its ``config.json`` and README.

The task type comes from, in order: the ``task`` argument, the README's ``pipeline_tag``, then
the architecture class in ``config.json`` (``BertForTokenClassification`` ->
``token-classification``, ``VisionEncoderDecoderModel`` -> ``image-to-text``, ...). Classes that
fit several tasks (``T5ForConditionalGeneration``: summarization, translation, ...) need
``task``. The card's ``path`` points at the folder, so the ``transformers`` backend runs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ModelIndexError
from ..schemas import ModelCard
from ..tasks import TASK_TYPES, find_task
from .readme import card_fields, clean_markdown, split_front_matter

_ARCHITECTURE_TASKS: tuple[tuple[str, str], ...] = (
    ("ForSequenceClassification", "text-classification"),
    ("ForTokenClassification", "token-classification"),
    ("LayoutLMForQuestionAnswering", "document-question-answering"),
    ("LayoutLMv2ForQuestionAnswering", "document-question-answering"),
    ("LayoutLMv3ForQuestionAnswering", "document-question-answering"),
    ("ViltForQuestionAnswering", "visual-question-answering"),
    ("ForVisualQuestionAnswering", "visual-question-answering"),
    ("ForQuestionAnswering", "question-answering"),
    ("ForCausalLM", "text-generation"),
    ("LMHeadModel", "text-generation"),
    ("MarianMTModel", "translation"),
    ("M2M100ForConditionalGeneration", "translation"),
    ("WhisperForConditionalGeneration", "automatic-speech-recognition"),
    ("Speech2TextForConditionalGeneration", "automatic-speech-recognition"),
    ("ForCTC", "automatic-speech-recognition"),
    ("VisionEncoderDecoderModel", "image-to-text"),
    ("BlipForConditionalGeneration", "image-to-text"),
    ("Blip2ForConditionalGeneration", "image-to-text"),
    ("GitForCausalLM", "image-to-text"),
    ("ForImageClassification", "image-classification"),
    ("ForObjectDetection", "object-detection"),
    ("ForSemanticSegmentation", "image-segmentation"),
    ("ForInstanceSegmentation", "image-segmentation"),
    ("ForUniversalSegmentation", "image-segmentation"),
    ("ForDepthEstimation", "depth-estimation"),
    ("ForAudioClassification", "audio-classification"),
    ("ForTextToSpeech", "text-to-speech"),
    ("VitsModel", "text-to-speech"),
)
"""Architecture class suffixes (or names) and the task type they serve, most specific first."""


def guess_task(architectures: list[str]) -> str | None:
    """The task type an architecture class name implies, or None when it is ambiguous or unknown."""
    for architecture in architectures:
        for suffix, task in _ARCHITECTURE_TASKS:
            if architecture == suffix or architecture.endswith(suffix):
                return task
    return None


def _read_config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    if not path.is_file():
        raise ModelIndexError(
            f"{str(folder)!r} is not a transformers model folder: it has no config.json. "
            "Pass the folder written by save_pretrained(), or a Hub id such as 'org/model'."
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelIndexError(f"{path} is not valid JSON ({exc}). Fix or re-save the model.") from exc
    if not isinstance(config, dict):
        raise ModelIndexError(f"{path} is not a JSON object. Fix or re-save the model.")
    return config


def resolve_task(task: str | None, readme_tag: Any, architectures: list[str], where: str) -> str:
    """The registry task type from an explicit ``task``, a README tag or the architectures."""
    for candidate in (task, readme_tag if isinstance(readme_tag, str) else None, guess_task(architectures)):
        if not candidate:
            continue
        found = find_task(candidate)
        if found is None:
            raise ModelIndexError(
                f"Unknown task type {candidate!r} for {where}. Use one of: {', '.join(TASK_TYPES)}."
            )
        return found.name
    raise ModelIndexError(
        f"Cannot tell the task type of {where} (architectures: {architectures or 'none'}; no pipeline_tag "
        f"in its README). Pass it: --task TASK (Python: task=...), one of: {', '.join(TASK_TYPES)}."
    )


def _describe(config: dict[str, Any], architectures: list[str], folder: Path) -> str:
    """A description for a folder without README text: model type, architecture and labels."""
    parts = [f"Local {config.get('model_type') or 'transformers'} model ({', '.join(architectures) or 'no architecture'})"
             f" in {folder.name}."]
    labels = config.get("id2label")
    if isinstance(labels, dict) and labels:
        parts.append("Labels: " + ", ".join(str(v) for v in list(labels.values())[:30]) + ".")
    return " ".join(parts)


def card_from_local_dir(folder: str | Path, *, task: str | None = None, model_id: str | None = None,
                        description: str | None = None) -> ModelCard:
    """A :class:`ModelCard` for the transformers model saved in ``folder``.

    Args:
        folder: a folder with ``config.json`` (as written by ``save_pretrained``).
        task: the task type; needed when neither the README nor the architecture tells it.
        model_id: the card's id (default: ``local/<folder name>``).
        description: overrides the description taken from the README.
    """
    path = Path(folder).expanduser().resolve()
    if not path.is_dir():
        raise ModelIndexError(f"No model folder at {str(path)!r}. Pass the folder holding config.json.")
    config = _read_config(path)
    architectures = [str(a) for a in config.get("architectures") or []]
    readme = path / "README.md"
    meta, body = split_front_matter(readme.read_text(encoding="utf-8")) if readme.is_file() else ({}, "")
    fields = card_fields(meta)
    resolved = resolve_task(task, meta.get("pipeline_tag"), architectures, repr(str(path)))
    extra_tags = [config["model_type"]] if config.get("model_type") else []
    return ModelCard(
        id=model_id or f"local/{path.name}",
        task=resolved,
        backends=["transformers"],
        description=description or clean_markdown(body) or _describe(config, architectures, path),
        tags=list(dict.fromkeys(fields["tags"] + extra_tags + architectures)),
        languages=fields["languages"],
        license=fields["license"],
        source="user",
        path=str(path),
    )


__all__ = ["card_from_local_dir", "guess_task", "resolve_task"]
