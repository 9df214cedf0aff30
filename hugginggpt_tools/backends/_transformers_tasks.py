"""Per-task adapters of the transformers backend: task inputs -> runner call -> TaskOutput.

Each task type has one :class:`TaskAdapter`: which runner to load (a ``transformers.pipeline``
task, or one of the small runners below for the task types transformers 5 removed from
``pipeline``: summarization, translation, text2text-generation, question-answering) and one
short function mapping the inputs to the call and the raw output to a :class:`TaskOutput`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._audio import read_audio, write_wav
from ._images import PALETTE as _PALETTE
from ._images import detections_image, nothing_detected
from ._images import open_image as _open_image
from ._images import save_image as _image_artifact
from ._inputs import file_input, optional_text, text_input
from ._speech import speech_output
from .base import RunContext, TaskOutput


@dataclass(frozen=True)
class Options:
    """Generation and output limits shared by the adapters."""

    max_new_tokens: int = 256
    top_k: int = 5
    detection_threshold: float = 0.5
    max_answer_tokens: int = 30


AdapterFn = Callable[[Any, dict[str, str], RunContext, Options], TaskOutput]


@dataclass(frozen=True)
class TaskAdapter:
    """How a task type runs: the runner kind to load and the function that calls it."""

    runner: str
    call: AdapterFn


# ----------------------------------------------------------------------------- runners


class Seq2SeqRunner:
    """An encoder-decoder model (T5, BART, Marian, ...) with ``generate``."""

    def __init__(self, path: str, device: str) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(path).to(device).eval()
        params = getattr(self.model.config, "task_specific_params", None) or {}
        self.prefixes = {k: str(v.get("prefix", "")) for k, v in params.items() if isinstance(v, dict)}

    def generate(self, text: str, max_new_tokens: int) -> str:
        import torch

        enc = self.tokenizer(text, return_tensors="pt", truncation=True).to(self.model.device)
        with torch.inference_mode():
            out = self.model.generate(**enc, max_new_tokens=max_new_tokens)
        return self.tokenizer.decode(out[0], skip_special_tokens=True).strip()

    def translation_prefix(self, target: str | None, source: str | None) -> str:
        """The task prefix for translating into ``target`` (T5 style); '' for fixed-pair models."""
        prefixes = [p for k, p in self.prefixes.items() if k.startswith("translation")]
        if not prefixes:
            return ""
        if not target:
            return prefixes[0]
        for prefix in prefixes:
            if f" to {target.lower()}:" in prefix.lower():
                return prefix
        return f"translate {source or 'English'} to {target}: "


class ExtractiveQARunner:
    """A question-answering head: the best answer span of the context (first window only)."""

    def __init__(self, path: str, device: str) -> None:
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForQuestionAnswering.from_pretrained(path).to(device).eval()

    def answer(self, question: str, context: str, max_answer_tokens: int) -> dict[str, Any]:
        import torch

        enc = self.tokenizer(question, context, truncation="only_second", return_offsets_mapping=True,
                             return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        in_context = torch.tensor([s == 1 for s in enc.sequence_ids(0)])
        with torch.inference_mode():
            out = self.model(**enc.to(self.model.device))
        start = out.start_logits[0].cpu().masked_fill(~in_context, -1e9).softmax(-1)
        end = out.end_logits[0].cpu().masked_fill(~in_context, -1e9).softmax(-1)
        pairs = torch.triu(start[:, None] * end[None, :]).tril(max_answer_tokens - 1)
        best = int(pairs.argmax())
        i, j = divmod(best, pairs.shape[1])
        a, b = offsets[i][0], offsets[j][1]
        return {"answer": context[a:b], "score": round(float(pairs.view(-1)[best]), 4), "start": a, "end": b}


def _pipeline_runner(task: str) -> Callable[[str, str], Any]:
    def load(path: str, device: str) -> Any:
        from transformers import pipeline

        return pipeline(task, model=path, device=device)

    return load


RUNNER_LOADERS: dict[str, Callable[[str, str], Any]] = {
    "seq2seq": Seq2SeqRunner,
    "extractive-qa": ExtractiveQARunner,
}
"""Loaders of the runners that are not a ``transformers.pipeline``; other kinds are pipeline tasks."""


def runner_loader(kind: str) -> Callable[[str, str], Any]:
    return RUNNER_LOADERS.get(kind) or _pipeline_runner(kind)


# ----------------------------------------------------------------------------- helpers


def _labels_text(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{d['label']} ({d['score']:.2f})" for d in items) or "no labels"


def _labels(raw: Any, top_k: int) -> list[dict[str, Any]]:
    rows = raw[0] if raw and isinstance(raw[0], list) else raw
    rows = [rows] if isinstance(rows, dict) else rows
    return [{"label": str(r["label"]), "score": round(float(r["score"]), 4)} for r in rows][:top_k]


def _audio_arg(pipe: Any, path: Path) -> Any:
    """A waveform dict at the model's sampling rate (WAV read directly, other formats with PyAV)."""
    samples, rate = read_audio(path, pipe.feature_extractor.sampling_rate)
    return {"raw": samples, "sampling_rate": rate}


def _generated(raw: Any) -> str:
    row = raw[0] if isinstance(raw, list) else raw
    row = row[0] if isinstance(row, list) else row
    return str(row.get("generated_text", "")).strip()




# ----------------------------------------------------------------------------- text tasks


def text_classification(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    labels = _labels(pipe(text_input(inputs, "text", "text-classification"), top_k=opt.top_k), opt.top_k)
    return TaskOutput(text=_labels_text(labels), data=labels)


def token_classification(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    raw = pipe(text_input(inputs, "text", "token-classification"), aggregation_strategy="simple")
    entities = [{"entity": str(e.get("entity_group", e.get("entity"))), "word": str(e["word"]),
                 "score": round(float(e["score"]), 4), "start": e.get("start"), "end": e.get("end")}
                for e in raw]
    text = ", ".join(f"{e['word']} ({e['entity']})" for e in entities) or "no entities found"
    return TaskOutput(text=text, data=entities, no_result=None if entities else "no entities")


def summarization(runner: Seq2SeqRunner, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    text = runner.prefixes.get("summarization", "") + text_input(inputs, "text", "summarization")
    summary = runner.generate(text, opt.max_new_tokens)
    return TaskOutput(text=summary, data={"summary_text": summary})


def translation(runner: Seq2SeqRunner, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    target, source = optional_text(inputs, "target_language"), optional_text(inputs, "source_language")
    prefix = runner.translation_prefix(target, source)
    translated = runner.generate(prefix + text_input(inputs, "text", "translation"), opt.max_new_tokens)
    return TaskOutput(text=translated, data={"translation_text": translated, "target_language": target,
                                             "prefix": prefix})


def text2text_generation(runner: Seq2SeqRunner, inputs: dict[str, str], ctx: RunContext,
                         opt: Options) -> TaskOutput:
    generated = runner.generate(text_input(inputs, "text", "text2text-generation"), opt.max_new_tokens)
    return TaskOutput(text=generated, data={"generated_text": generated})


def text_generation(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    prompt = text_input(inputs, "text", "text-generation")
    raw = pipe(prompt, max_new_tokens=opt.max_new_tokens, return_full_text=False)
    generated = _generated(raw)
    return TaskOutput(text=generated, data={"generated_text": generated})


def conversational(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    """A chat reply: the message goes through the chat template when the tokenizer has one."""
    message = text_input(inputs, "text", "conversational")
    has_template = getattr(getattr(pipe, "tokenizer", None), "chat_template", None)
    prompt: Any = [{"role": "user", "content": message}] if has_template else message
    reply = _generated(pipe(prompt, max_new_tokens=opt.max_new_tokens, return_full_text=False))
    return TaskOutput(text=reply, data={"generated_text": reply})


def question_answering(runner: ExtractiveQARunner, inputs: dict[str, str], ctx: RunContext,
                       opt: Options) -> TaskOutput:
    question = text_input(inputs, "text", "question-answering")
    context = text_input(inputs, "context", "question-answering")
    answer = runner.answer(question, context, opt.max_answer_tokens)
    return TaskOutput(text=answer["answer"], data=answer)


def sentence_similarity(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    """Cosine similarity of the mean-pooled token embeddings of the two texts."""
    import torch

    texts = [text_input(inputs, name, "sentence-similarity") for name in ("text", "text2")]
    vectors = [pipe(t, return_tensors=True)[0].mean(dim=0) for t in texts]
    score = round(float(torch.nn.functional.cosine_similarity(vectors[0], vectors[1], dim=0)), 4)
    return TaskOutput(text=f"similarity {score:.3f}", data={"similarity": score})


# ----------------------------------------------------------------------------- vision tasks


def image_classification(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    image = file_input(inputs, "image", "image-classification")
    labels = _labels(pipe(str(image), top_k=opt.top_k), opt.top_k)
    return TaskOutput(text=_labels_text(labels), data=labels)


def _image_text(pipe: Any, image: Path, prompt: str, opt: Options) -> str:
    """Generate from an image and a prompt; chat models get a chat message, others the raw prompt."""
    processor = getattr(pipe, "processor", None)
    if getattr(processor, "chat_template", None):
        content = [{"type": "image", "path": str(image)},
                   {"type": "text", "text": prompt or "Describe this image."}]
        raw = pipe(text=[{"role": "user", "content": content}], max_new_tokens=opt.max_new_tokens,
                   return_full_text=False)
    else:
        raw = pipe(images=str(image), text=prompt, max_new_tokens=opt.max_new_tokens, return_full_text=False)
    return _generated(raw)


def image_to_text(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    caption = _image_text(pipe, file_input(inputs, "image", "image-to-text"), "", opt)
    return TaskOutput(text=caption, data={"generated_text": caption})


def visual_question_answering(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    image = file_input(inputs, "image", "visual-question-answering")
    answer = _image_text(pipe, image, text_input(inputs, "text", "visual-question-answering"), opt)
    return TaskOutput(text=answer, data={"answer": answer})


def document_question_answering(pipe: Any, inputs: dict[str, str], ctx: RunContext,
                                opt: Options) -> TaskOutput:
    image = file_input(inputs, "image", "document-question-answering")
    raw = pipe(image=str(image), question=text_input(inputs, "text", "document-question-answering"))
    answers = [raw] if isinstance(raw, dict) else list(raw)
    if not answers:
        return TaskOutput(text="", data={"answer": "", "score": 0.0})
    top = answers[0]
    best = {"answer": str(top.get("answer", "")), "score": round(float(top.get("score", 0.0)), 4)}
    return TaskOutput(text=best["answer"], data=best)


def object_detection(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    """Labelled boxes, drawn on a copy of the image (an artifact)."""
    path = file_input(inputs, "image", "object-detection")
    raw = pipe(str(path), threshold=opt.detection_threshold)
    objects = [{"label": str(o["label"]), "score": round(float(o["score"]), 4),
                "box": [int(o["box"][k]) for k in ("xmin", "ymin", "xmax", "ymax")]} for o in raw]
    artifacts = detections_image(_open_image(path), objects, ctx, f"{len(objects)} objects detected") if objects else []
    config = getattr(getattr(pipe, "model", None), "config", None)
    labels = list((getattr(config, "id2label", None) or {}).values())
    text = f"{len(objects)} objects: {_labels_text(objects)}" if objects else nothing_detected(labels)
    return TaskOutput(text=text, data=objects, artifacts=artifacts)


def image_segmentation(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    """Segments with their share of the image, and the image with each segment tinted (an artifact)."""
    import numpy as np
    from PIL import Image

    path = file_input(inputs, "image", "image-segmentation")
    image = _open_image(path)
    overlay, segments = np.asarray(image, dtype=np.float32).copy(), []
    for i, seg in enumerate(pipe(str(path))):
        mask = np.asarray(seg["mask"].convert("L").resize(image.size)) > 127
        overlay[mask] = 0.5 * overlay[mask] + 0.5 * np.array(_PALETTE[i % len(_PALETTE)], dtype=np.float32)
        score = seg.get("score")
        segments.append({"label": str(seg["label"]), "area": round(float(mask.mean()), 4),
                         "score": None if score is None else round(float(score), 4)})
    artifact = _image_artifact(Image.fromarray(overlay.astype("uint8")), ctx, "segments",
                               f"{len(segments)} segments")
    text = ", ".join(f"{s['label']} ({s['area']:.0%})" for s in segments) or "no segments found"
    return TaskOutput(text=text, data=segments, artifacts=[artifact])


def depth_estimation(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    raw = pipe(str(file_input(inputs, "image", "depth-estimation")))
    artifact = _image_artifact(raw["depth"], ctx, "depth", "Depth map (brighter is nearer for most models)")
    depth = raw.get("predicted_depth")
    data = {"path": artifact.path, "width": raw["depth"].width, "height": raw["depth"].height}
    if depth is not None:
        data.update(min_depth=round(float(depth.min()), 4), max_depth=round(float(depth.max()), 4))
    return TaskOutput(text=f"Depth map: {artifact.path}", data=data, artifacts=[artifact])


# ----------------------------------------------------------------------------- audio tasks


def automatic_speech_recognition(pipe: Any, inputs: dict[str, str], ctx: RunContext,
                                 opt: Options) -> TaskOutput:
    raw = pipe(_audio_arg(pipe, file_input(inputs, "audio", "automatic-speech-recognition")))
    text = str(raw.get("text", "")).strip()
    return TaskOutput(text=text, data={"text": text})


def audio_classification(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    audio = _audio_arg(pipe, file_input(inputs, "audio", "audio-classification"))
    labels = _labels(pipe(audio, top_k=opt.top_k), opt.top_k)
    return TaskOutput(text=_labels_text(labels), data=labels)


def text_to_speech(pipe: Any, inputs: dict[str, str], ctx: RunContext, opt: Options) -> TaskOutput:
    text = text_input(inputs, "text", "text-to-speech").strip()
    raw = pipe(text)
    rate = int(raw["sampling_rate"])
    path = ctx.store.new_path(".wav", stem="speech")
    write_wav(path, raw["audio"], rate)
    return speech_output(path, text, ctx, "The model")


ADAPTERS: dict[str, TaskAdapter] = {
    "text-classification": TaskAdapter("text-classification", text_classification),
    "token-classification": TaskAdapter("token-classification", token_classification),
    "summarization": TaskAdapter("seq2seq", summarization),
    "translation": TaskAdapter("seq2seq", translation),
    "text2text-generation": TaskAdapter("seq2seq", text2text_generation),
    "text-generation": TaskAdapter("text-generation", text_generation),
    "conversational": TaskAdapter("text-generation", conversational),
    "question-answering": TaskAdapter("extractive-qa", question_answering),
    "sentence-similarity": TaskAdapter("feature-extraction", sentence_similarity),
    "image-classification": TaskAdapter("image-classification", image_classification),
    "image-to-text": TaskAdapter("image-text-to-text", image_to_text),
    "visual-question-answering": TaskAdapter("image-text-to-text", visual_question_answering),
    "document-question-answering": TaskAdapter("document-question-answering", document_question_answering),
    "object-detection": TaskAdapter("object-detection", object_detection),
    "image-segmentation": TaskAdapter("image-segmentation", image_segmentation),
    "depth-estimation": TaskAdapter("depth-estimation", depth_estimation),
    "automatic-speech-recognition": TaskAdapter("automatic-speech-recognition", automatic_speech_recognition),
    "audio-classification": TaskAdapter("audio-classification", audio_classification),
    "text-to-speech": TaskAdapter("text-to-audio", text_to_speech),
}
"""The adapter of every task type the transformers backend runs."""
