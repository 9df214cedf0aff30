"""Per-task calls of the ``hf-inference`` backend: task inputs -> InferenceClient method -> TaskOutput.

One short function per task type over ``huggingface_hub.InferenceClient``'s method of the same
task, registered in :data:`HF_TASKS`. ``model`` is a Hub model id or an endpoint URL.
Depth estimation has no InferenceClient method and is not listed; text-to-video runs only on
Inference Providers that offer it, never on a URL endpoint (:data:`PROVIDER_ONLY_TASKS`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..filekinds import sniff_suffix
from ._images import detections_image, open_image, save_image
from ._inputs import file_input, optional_text, text_input
from .base import RunContext, TaskOutput

HFTaskFn = Callable[[Any, str, dict[str, str], RunContext], TaskOutput]

TOP_K = 5
MAX_NEW_TOKENS = 256
PROVIDER_ONLY_TASKS = frozenset({"text-to-video"})
"""Task types huggingface_hub cannot send to a URL endpoint (its hf-inference route lacks them)."""


def _labels(rows: Any) -> list[dict[str, Any]]:
    rows = rows if isinstance(rows, list) else [rows]
    return [{"label": str(r.label), "score": round(float(r.score), 4)} for r in rows][:TOP_K]


def _labels_output(rows: Any) -> TaskOutput:
    labels = _labels(rows)
    return TaskOutput(text=", ".join(f"{d['label']} ({d['score']:.2f})" for d in labels) or "no labels", data=labels)


def _text_output(text: Any, key: str) -> TaskOutput:
    value = str(text or "").strip()
    return TaskOutput(text=value, data={key: value})


def _image(inputs: dict[str, str], task: str) -> Path:
    return file_input(inputs, "image", task)


# ----------------------------------------------------------------------------- text tasks


def text_classification(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    return _labels_output(client.text_classification(text_input(inputs, "text", "text-classification"), model=model,
                                                     top_k=TOP_K))


def token_classification(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    raw = client.token_classification(text_input(inputs, "text", "token-classification"), model=model,
                                      aggregation_strategy="simple")
    entities = [{"entity": str(e.entity_group or e.entity), "word": str(e.word), "score": round(float(e.score), 4),
                 "start": e.start, "end": e.end} for e in raw]
    text = ", ".join(f"{e['word']} ({e['entity']})" for e in entities) or "no entities found"
    return TaskOutput(text=text, data=entities, no_result=None if entities else "no entities")


def summarization(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = client.summarization(text_input(inputs, "text", "summarization"), model=model)
    return _text_output(out.summary_text, "summary_text")


def translation(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    """Languages are sent only as a pair (the API needs both); fixed-pair models ignore them."""
    source, target = optional_text(inputs, "source_language"), optional_text(inputs, "target_language")
    languages = {"src_lang": source, "tgt_lang": target} if source and target else {}
    out = client.translation(text_input(inputs, "text", "translation"), model=model, **languages)
    return TaskOutput(text=str(out.translation_text).strip(),
                      data={"translation_text": str(out.translation_text).strip(), "target_language": target})


def question_answering(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = client.question_answering(question=text_input(inputs, "text", "question-answering"),
                                    context=text_input(inputs, "context", "question-answering"), model=model)
    best = out[0] if isinstance(out, list) else out
    data = {"answer": str(best.answer), "score": round(float(best.score), 4), "start": best.start, "end": best.end}
    return TaskOutput(text=data["answer"], data=data)


def conversational(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = client.chat_completion([{"role": "user", "content": text_input(inputs, "text", "conversational")}],
                                 model=model, max_tokens=MAX_NEW_TOKENS)
    return _text_output(out.choices[0].message.content, "generated_text")


def text_generation(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = client.text_generation(text_input(inputs, "text", ctx.task or "text-generation"), model=model,
                                 max_new_tokens=MAX_NEW_TOKENS)
    return _text_output(out if isinstance(out, str) else out.generated_text, "generated_text")


def sentence_similarity(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    scores = client.sentence_similarity(text_input(inputs, "text", "sentence-similarity"),
                                        other_sentences=[text_input(inputs, "text2", "sentence-similarity")],
                                        model=model)
    score = round(float(scores[0]), 4)
    return TaskOutput(text=f"similarity {score:.3f}", data={"similarity": score})


def read_table(path: Path) -> dict[str, list[str]]:
    """A CSV or TSV file as ``{column: [values]}`` (the table format of tabular models)."""
    if path.suffix.lower() not in {".csv", ".tsv"}:
        raise InputError(f"Tabular classification reads CSV or TSV files, not {path.name!r}. Save the table as CSV.")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t" if path.suffix.lower() == ".tsv" else ","))
    if not rows:
        raise InputError(f"The table {path.name!r} has no rows under its header line.")
    return {column: [row[column] for row in rows] for column in rows[0]}


def tabular_classification(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    labels = [str(v) for v in client.tabular_classification(table=read_table(_image(inputs, "tabular-classification")),
                                                             model=model)]
    return TaskOutput(text=", ".join(labels) or "no rows", data=[{"row": i, "label": v} for i, v in enumerate(labels)])


# ----------------------------------------------------------------------------- vision tasks


def object_detection(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    path = _image(inputs, "object-detection")
    raw = client.object_detection(path, model=model, threshold=0.5)
    objects = [{"label": str(o.label), "score": round(float(o.score), 4),
                "box": [int(o.box.xmin), int(o.box.ymin), int(o.box.xmax), int(o.box.ymax)]} for o in raw]
    artifacts = detections_image(open_image(path), objects, ctx, f"{len(objects)} objects detected") if objects else []
    text = ", ".join(f"{o['label']} ({o['score']:.2f})" for o in objects)
    return TaskOutput(text=f"{len(objects)} objects: {text}" if objects else "no objects found", data=objects,
                      artifacts=artifacts)


def image_classification(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    return _labels_output(client.image_classification(_image(inputs, "image-classification"), model=model,
                                                      top_k=TOP_K))


def image_to_text(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    return _text_output(client.image_to_text(_image(inputs, "image-to-text"), model=model).generated_text,
                        "generated_text")


def _image_output(image: Any, ctx: RunContext, stem: str, description: str) -> TaskOutput:
    artifact = save_image(image, ctx, stem, description)
    return TaskOutput(text=f"Image {image.width}x{image.height}: {artifact.path}",
                      data={"path": artifact.path, "width": image.width, "height": image.height}, artifacts=[artifact])


def text_to_image(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    prompt = text_input(inputs, "text", "text-to-image")
    return _image_output(client.text_to_image(prompt, model=model), ctx, "image", f"Generated: {prompt[:80]}")


def image_to_image(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    prompt = optional_text(inputs, "text")
    image = client.image_to_image(_image(inputs, "image-to-image"), prompt=prompt, model=model)
    return _image_output(image, ctx, "edited", f"Edited: {prompt or 'no instruction'}"[:100])


def image_segmentation(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    segments, artifacts = [], []
    for i, seg in enumerate(client.image_segmentation(_image(inputs, "image-segmentation"), model=model)):
        artifact = save_image(seg.mask, ctx, f"mask-{i}", f"Mask of {seg.label}")
        artifacts.append(artifact)
        segments.append({"label": str(seg.label), "score": None if seg.score is None else round(float(seg.score), 4),
                         "mask": artifact.path})
    text = ", ".join(s["label"] for s in segments) or "no segments found"
    return TaskOutput(text=text, data=segments, artifacts=artifacts)


def _question_about_image(method: str, task: str) -> Callable[..., TaskOutput]:
    """An adapter for the client's document / visual question answering: the best answer."""

    def run(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        answers = getattr(client, method)(_image(inputs, task), text_input(inputs, "text", task), model=model)
        best = ({"answer": str(answers[0].answer), "score": round(float(answers[0].score), 4)} if answers
                else {"answer": "", "score": 0.0})
        return TaskOutput(text=best["answer"], data=best)

    return run


document_question_answering = _question_about_image("document_question_answering", "document-question-answering")
visual_question_answering = _question_about_image("visual_question_answering", "visual-question-answering")


# ----------------------------------------------------------------------------- audio and video


def _file_output(data: bytes, ctx: RunContext, default_suffix: str, stem: str, description: str) -> TaskOutput:
    artifact = ctx.save_bytes(data, sniff_suffix(data, default_suffix), description, stem=stem)
    return TaskOutput(text=f"{description}: {artifact.path}", data={"path": artifact.path, "bytes": len(data)},
                      artifacts=[artifact])


def text_to_speech(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    text = text_input(inputs, "text", "text-to-speech").strip()
    return _file_output(client.text_to_speech(text, model=model), ctx, ".flac", "speech", f"Speech: {text[:80]}")


def automatic_speech_recognition(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = client.automatic_speech_recognition(file_input(inputs, "audio", "automatic-speech-recognition"), model=model)
    return _text_output(out.text, "text")


def audio_to_audio(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    outputs, artifacts = [], []
    for i, item in enumerate(client.audio_to_audio(file_input(inputs, "audio", "audio-to-audio"), model=model)):
        blob = item.blob if isinstance(item.blob, bytes) else bytes(item.blob)
        artifact = ctx.save_bytes(blob, sniff_suffix(blob, ".flac"), f"Audio output {item.label}", stem=f"audio-{i}")
        artifacts.append(artifact)
        outputs.append({"label": str(item.label), "path": artifact.path, "content_type": item.content_type})
    text = ", ".join(f"{o['label']}: {o['path']}" for o in outputs) or "no audio returned"
    return TaskOutput(text=text, data=outputs, artifacts=artifacts)


def audio_classification(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    return _labels_output(client.audio_classification(file_input(inputs, "audio", "audio-classification"),
                                                      model=model, top_k=TOP_K))


def text_to_video(client: Any, model: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    prompt = text_input(inputs, "text", "text-to-video")
    return _file_output(client.text_to_video(prompt, model=model), ctx, ".mp4", "video", f"Video: {prompt[:80]}")


HF_TASKS: dict[str, HFTaskFn] = {
    "text-classification": text_classification,
    "token-classification": token_classification,
    "text2text-generation": text_generation,
    "summarization": summarization,
    "translation": translation,
    "question-answering": question_answering,
    "conversational": conversational,
    "text-generation": text_generation,
    "sentence-similarity": sentence_similarity,
    "tabular-classification": tabular_classification,
    "object-detection": object_detection,
    "image-classification": image_classification,
    "image-to-text": image_to_text,
    "text-to-image": text_to_image,
    "image-to-image": image_to_image,
    "image-segmentation": image_segmentation,
    "text-to-speech": text_to_speech,
    "automatic-speech-recognition": automatic_speech_recognition,
    "audio-to-audio": audio_to_audio,
    "audio-classification": audio_classification,
    "document-question-answering": document_question_answering,
    "visual-question-answering": visual_question_answering,
    "text-to-video": text_to_video,
}
"""The call of every task type the hf-inference backend runs."""
