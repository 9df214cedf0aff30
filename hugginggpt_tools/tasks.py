"""The task registry: every HuggingGPT task type with its arguments, outputs and aliases.

The 24 task types are those of the JARVIS model catalog (HuggingGPT paper, tables 1 to 4),
named by their Hugging Face pipeline tag. Argument names follow HuggingGPT (``text``,
``image``, ``audio``, ``video``) with a few named extras (``context`` for question answering,
``text2`` for sentence similarity, ``target_language`` for translation). An argument may take
several modalities, its main one first: the audio tasks' ``audio`` also takes a video, whose
sound track is what the model hears ("transcribe talk.mp4"). Aliases map the names
that TaskBench and LLMs use ("Image Editing", "Speech Recognition", "OCR") to a task type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import UnknownTaskError, close_hint


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a task type."""

    name: str
    modalities: tuple[str, ...]
    description: str
    required: bool = True

    @property
    def modality(self) -> str:
        """The main modality of the argument (the first accepted one)."""
        return self.modalities[0]


@dataclass(frozen=True)
class TaskType:
    """A task type: its pipeline tag, arguments, output modalities and description."""

    name: str
    domain: str
    args: tuple[ArgSpec, ...]
    outputs: tuple[str, ...]
    description: str
    aliases: tuple[str, ...] = field(default=())

    @property
    def inputs(self) -> tuple[str, ...]:
        """Main modality of each argument, in order."""
        return tuple(a.modality for a in self.args)

    def arg(self, name: str) -> ArgSpec | None:
        for spec in self.args:
            if spec.name == name:
                return spec
        return None

    @property
    def snake_name(self) -> str:
        return self.name.replace("-", "_")


def _text(desc: str = "the input text", name: str = "text", required: bool = True) -> ArgSpec:
    return ArgSpec(name, ("text",), desc, required)


_IMAGE = ArgSpec("image", ("image",), "path or URL of the input image")
_AUDIO = ArgSpec("audio", ("audio", "video"),
                 "path or URL of the input audio file, or of a video whose sound track is used")

_TASKS: tuple[TaskType, ...] = (
    TaskType("text-classification", "nlp", (_text(),), ("text",),
             "Assign a label to a text: sentiment, topic, language, toxicity.",
             ("Text Classification", "sentiment analysis", "language identification", "language detection")),
    TaskType("token-classification", "nlp", (_text(),), ("text",),
             "Label tokens of a text: named entities (people, places, dates), part of speech.",
             ("Token Classification", "named entity recognition", "NER", "part-of-speech tagging", "Entity Recognition",
              "Named Entity Identification")),
    TaskType("text2text-generation", "nlp", (_text(),), ("text",),
             "Transform a text into another text: paraphrase, grammar correction, instruction following.",
             ("Text2Text Generation", "Text-to-Text Generation", "paraphrasing", "Text Paraphrasing")),
    TaskType("summarization", "nlp", (_text("the text to summarize"),), ("text",),
             "Produce a shorter version of a text that keeps its important information.",
             ("Summarization", "Text Summarization", "summarize")),
    TaskType("translation", "nlp",
             (_text("the text to translate"),
              _text("language to translate into, e.g. 'French'", "target_language", False),
              _text("language of the text, when known", "source_language", False)),
             ("text",), "Translate a text from one language to another.",
             ("Translation", "Text Translation", "translate")),
    TaskType("question-answering", "nlp",
             (_text("the question"), _text("the text that holds the answer", "context")),
             ("text",), "Answer a question from a given text (extractive question answering).",
             ("Question Answering", "QA")),
    TaskType("conversational", "nlp", (_text("the user's message"),), ("text",),
             "Reply to a message in a conversation, as a chatbot does.",
             ("Conversational", "chat", "dialogue", "Conversational Agent", "Conversational Response Generation")),
    TaskType("text-generation", "nlp", (_text("the prompt"),), ("text",),
             "Generate new text from a prompt: continue, write, complete or expand a text.",
             ("Text Generation", "text completion", "story generation")),
    TaskType("sentence-similarity", "nlp",
             (_text("the first sentence"), _text("the second sentence", "text2")),
             ("text",), "Score how similar two texts are in meaning.",
             ("Sentence Similarity", "semantic similarity", "text similarity")),
    TaskType("tabular-classification", "cv",
             (ArgSpec("image", ("image", "table"), "path of the table (an image of it or a CSV file)"),),
             ("text",), "Classify the rows of a table.",
             ("Tabular Classification", "Tabular Data Classification")),
    TaskType("object-detection", "cv", (_IMAGE,), ("text", "image"),
             "Find objects (people, faces, cars, ...) in an image with labels and boxes, drawn on an output image.",
             ("Object Detection", "face detection", "detect objects")),
    TaskType("image-classification", "cv", (_IMAGE,), ("text",),
             "Say what an image shows: one label from a fixed set with a score.",
             ("Image Classification", "image recognition")),
    TaskType("image-to-text", "cv", (_IMAGE,), ("text",),
             "Turn an image into text: read the text in it (OCR) or write a caption describing it.",
             ("Image-to-Text", "Image to Text", "image captioning", "OCR", "optical character recognition",
              "Image Captioning", "Text Extraction")),
    TaskType("text-to-image", "cv", (_text("description of the image to generate"),), ("image",),
             "Generate an image from a text description.",
             ("Text-to-Image", "Text to Image", "image generation", "Text-Based Image Generation")),
    TaskType("image-to-image", "cv",
             (_IMAGE, _text("how to change the image", required=False)), ("image",),
             "Transform or edit an image: change its style, colour, or content as described.",
             ("Image-to-Image", "Image to Image", "Image Editing", "image editing", "style transfer", "Image Transformation",
              "Image-to-Image Transformation", "Image-to-Image Translation", "Image Enhancement")),
    TaskType("image-segmentation", "cv", (_IMAGE,), ("image", "text"),
             "Split an image into regions and label each one (a mask image per segment).",
             ("Image Segmentation", "segmentation")),
    TaskType("depth-estimation", "cv", (_IMAGE,), ("image",),
             "Estimate the depth of each pixel of an image, as a depth map image.",
             ("Depth Estimation",)),
    TaskType("text-to-speech", "audio", (_text("the text to speak"),), ("audio",),
             "Speak a text aloud: synthesize speech audio from text.",
             ("Text-to-Speech", "Text to Speech", "TTS", "speech synthesis")),
    TaskType("automatic-speech-recognition", "audio", (_AUDIO,), ("text",),
             "Transcribe speech in an audio file, or in a video's sound track, to text.",
             ("Automatic Speech Recognition", "ASR", "speech recognition", "Speech-to-Text", "transcription",
              "Audio Transcription")),
    TaskType("audio-to-audio", "audio", (_AUDIO,), ("audio",),
             "Transform audio (or a video's sound track) into audio: remove noise, enhance speech, separate sources.",
             ("Audio-to-Audio", "Audio to Audio", "speech enhancement", "noise removal", "Audio Quality Enhancer",
              "Audio Enhancement")),
    TaskType("audio-classification", "audio", (_AUDIO,), ("text",),
             "Assign a label to an audio clip or a video's sound track: speech or not, emotion, speaker, sound event.",
             ("Audio Classification",)),
    TaskType("document-question-answering", "multimodal", (_IMAGE, _text("the question")), ("text",),
             "Answer a question about a document image (an invoice, a form, a receipt).",
             ("Document Question Answering", "DocVQA")),
    TaskType("visual-question-answering", "multimodal", (_IMAGE, _text("the question")), ("text",),
             "Answer a question about what an image shows.",
             ("Visual Question Answering", "VQA")),
    TaskType("text-to-video", "video", (_text("description of the video to generate"),), ("video",),
             "Generate a short video from a text description.",
             ("Text-to-Video", "Text to Video", "video generation")),
)

TASK_TYPES: dict[str, TaskType] = {t.name: t for t in _TASKS}
"""Every task type by pipeline tag."""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_ALIASES: dict[str, str] = {}
for _t in _TASKS:
    for _name in (_t.name, _t.snake_name, *_t.aliases):
        _ALIASES[_key(_name)] = _t.name


def find_task(name: str) -> TaskType | None:
    """The task type that ``name`` (a pipeline tag, snake_case name or alias) means, or None."""
    return TASK_TYPES.get(_ALIASES.get(_key(name), ""))


def names_the_type(name: str, task: TaskType) -> bool:
    """Whether ``name`` is ``task``'s pipeline tag or snake_case name in any spelling, not an alias
    that says what the task is for ("language identification")."""
    return _key(name) in (_key(task.name), _key(task.snake_name))


def task_hint(name: str) -> str:
    """" (did you mean summarization?)" for an unknown task type ``name`` close to a pipeline tag
    ("summarisation", "image-to-txt") or to an alias (named by its pipeline tag), else ""."""
    import difflib

    hint = close_hint(name, TASK_TYPES)
    if hint:
        return hint
    close = difflib.get_close_matches(_key(str(name)), list(_ALIASES), n=1)
    return f" (did you mean {_ALIASES[close[0]]}?)" if close else ""


def get_task(name: str) -> TaskType:
    """The task type named ``name``; raises :class:`UnknownTaskError` naming the closest one
    (:func:`task_hint`) and listing the valid names."""
    found = find_task(name)
    if found is None:
        raise UnknownTaskError(
            f"Unknown task type {name!r}{task_hint(name)}. Use one of: {', '.join(TASK_TYPES)}."
        )
    return found


__all__ = ["TASK_TYPES", "ArgSpec", "TaskType", "find_task", "get_task", "names_the_type"]
