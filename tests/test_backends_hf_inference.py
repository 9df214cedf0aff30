"""The hf-inference backend against an HTTP server on 127.0.0.1 started by the test.

The server routes by the first path segment (the task type): each test points the backend's
``base_url`` at ``http://127.0.0.1:PORT/<task>`` and the server answers what a Hugging Face
inference server answers for that task. ``HF_HUB_OFFLINE=1`` (set for every test) blocks
loopback requests too, so these tests switch huggingface_hub's offline constant off.
"""

from __future__ import annotations

import base64
import io
import json
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import QuietHandler, allow_hub, http_server

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.hf_inference import HFInferenceBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError
from hugginggpt_tools.schemas import ModelCard

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
IMAGE, AUDIO = EXAMPLES / "invoice.png", EXAMPLES / "speech.wav"


def _png(size: tuple[int, int] = (8, 6), colour: str = "red") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 1600)
    return buffer.getvalue()


CHAT = {"id": "c1", "object": "chat.completion", "created": 0, "model": "m", "system_fingerprint": "",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Hi, Bob!"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6}}
LABELS = [{"label": "POSITIVE", "score": 0.93}, {"label": "NEGATIVE", "score": 0.07}]
ANSWERS: dict[str, Any] = {
    "text-classification": [LABELS],  # the HF inference API nests text-classification labels
    "token-classification": [{"entity_group": "PER", "word": "Bob", "score": 0.99, "start": 6, "end": 9}],
    "summarization": [{"summary_text": "A short summary."}],
    "translation": [{"translation_text": "Bonjour le monde"}],
    "question-answering": {"answer": "Paris", "score": 0.8, "start": 10, "end": 15},
    "text-generation": [{"generated_text": "once upon a time"}],
    "text2text-generation": [{"generated_text": "a paraphrase"}],
    "sentence-similarity": [0.8123],
    "image-classification": [{"label": "tabby cat", "score": 0.7}, {"label": "tiger cat", "score": 0.2}],
    "object-detection": [{"label": "cat", "score": 0.9, "box": {"xmin": 1, "ymin": 2, "xmax": 30, "ymax": 40}}],
    "image-to-text": [{"generated_text": "a cat on a sofa"}],
    "image-segmentation": [{"label": "cat", "score": 0.9, "mask": base64.b64encode(_png(colour="white")).decode()}],
    "automatic-speech-recognition": {"text": "hello world"},
    "audio-classification": [{"label": "speech", "score": 0.95}],
    "audio-to-audio": [{"label": "clean", "content-type": "audio/wav", "blob": base64.b64encode(_wav()).decode()}],
    "visual-question-answering": [{"answer": "two", "score": 0.6}],
    "document-question-answering": [{"answer": "1042", "score": 0.9, "start": 1, "end": 1}],
    "tabular-classification": ["yes", "no"],
}
BINARY: dict[str, tuple[bytes, str]] = {"text-to-image": (_png(), "image/png"), "image-to-image": (_png(), "image/png"),
                                        "text-to-speech": (_wav(), "audio/wav"), "text-to-video": (b"\x00\x00\x00\x18ftypmp42", "video/mp4")}


class _Inference(QuietHandler):
    """Answers per task; ``/flaky-<n>/...`` answers 503 n times, ``/limited`` always 429, ``/slow`` sleeps."""

    requests: list[tuple[str, bytes]] = []
    flaky: dict[str, int] = {}

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        type(self).requests.append((self.path, body))
        parts = self.path.strip("/").split("/")
        head = parts[0]
        if head.startswith("flaky-"):
            left = self.flaky.setdefault(self.path, int(head.split("-")[1]))
            if left:
                self.flaky[self.path] = left - 1
                return self.reply(503, b'{"error": "Model is loading", "estimated_time": 1.0}',
                                  headers={"Retry-After": "0.25"})
            head = parts[1]
        if head == "limited":
            return self.reply(429, b'{"error": "rate limited"}')
        if head == "missing":
            return self.reply(404, b'{"error": "Model not found"}')
        if head == "slow":
            time.sleep(1.5)
        if head == "conversational":
            return self.reply(200, json.dumps(CHAT).encode())
        if head in BINARY:
            data, mime = BINARY[head]
            return self.reply(200, data, mime)
        self.reply(200, json.dumps(ANSWERS.get(head, [LABELS])).encode())



@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with http_server(_Inference) as httpd:
        yield f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let huggingface_hub talk to the loopback server."""
    allow_hub(monkeypatch)


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(), task_id=1, task="t")


def _backend(url: str, **kwargs: Any) -> HFInferenceBackend:
    return HFInferenceBackend(Settings(), base_url=url, timeout_s=kwargs.pop("timeout_s", 5), **kwargs)


def _run(backend: HFInferenceBackend, task: str, inputs: dict[str, str], ctx: RunContext, model: str = "some/model"):  # noqa: ANN201
    ctx.task = task
    return backend.run(ModelCard(id=model, task=task, backends=["hf-inference"]), task, inputs, ctx)


TEXT_CASES = [
    ("text-classification", {"text": "I love it"}, "POSITIVE (0.93)", [{"label": "POSITIVE", "score": 0.93},
                                                                     {"label": "NEGATIVE", "score": 0.07}]),
    ("token-classification", {"text": "Hello Bob"}, "Bob (PER)", None),
    ("summarization", {"text": "long text " * 20}, "A short summary.", {"summary_text": "A short summary."}),
    ("translation", {"text": "Hello world", "target_language": "fr_XX", "source_language": "en_XX"},
     "Bonjour le monde", None),
    ("question-answering", {"text": "Where?", "context": "He lives in Paris."}, "Paris", None),
    ("conversational", {"text": "Hi, I am Bob"}, "Hi, Bob!", {"generated_text": "Hi, Bob!"}),
    ("text-generation", {"text": "Tell a story"}, "once upon a time", None),
    ("text2text-generation", {"text": "Paraphrase this"}, "a paraphrase", None),
    ("sentence-similarity", {"text": "a", "text2": "b"}, "similarity 0.812", {"similarity": 0.8123}),
]


@pytest.mark.parametrize("task,inputs,text,data", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_text_tasks(server: str, ctx: RunContext, task: str, inputs: dict[str, str], text: str, data: Any) -> None:
    out = _run(_backend(f"{server}/{task}"), task, inputs, ctx)
    assert text in out.text
    if data is not None:
        assert out.data == data


def test_requests_carry_the_inputs(server: str, ctx: RunContext) -> None:
    _Inference.requests.clear()
    _run(_backend(f"{server}/translation"), "translation", {"text": "Hello world", "target_language": "fr"}, ctx)
    _run(_backend(f"{server}/translation"), "translation",
         {"text": "Hello world", "target_language": "fr_XX", "source_language": "en_XX"}, ctx)
    _run(_backend(f"{server}/conversational"), "conversational", {"text": "Hi, I am Bob"}, ctx)
    (path1, body1), (_, body_pair), (path2, body2) = _Inference.requests
    assert path1 == "/translation" and json.loads(body1)["inputs"] == "Hello world"
    assert "tgt_lang" not in json.loads(body1).get("parameters", {})  # a target alone is not sent
    assert json.loads(body_pair)["parameters"] == {"src_lang": "en_XX", "tgt_lang": "fr_XX"}
    assert path2 == "/conversational/v1/chat/completions"
    assert json.loads(body2)["messages"] == [{"role": "user", "content": "Hi, I am Bob"}]


def test_vision_tasks(server: str, ctx: RunContext) -> None:
    image = {"image": str(IMAGE)}
    assert _run(_backend(f"{server}/image-classification"), "image-classification", image, ctx).data[0] == \
        {"label": "tabby cat", "score": 0.7}
    assert _run(_backend(f"{server}/image-to-text"), "image-to-text", image, ctx).text == "a cat on a sofa"
    detected = _run(_backend(f"{server}/object-detection"), "object-detection", image, ctx)
    assert detected.data == [{"label": "cat", "score": 0.9, "box": [1, 2, 30, 40]}]
    assert detected.artifacts[0].mime_type == "image/png" and detected.artifacts[0].task == "object-detection"
    segments = _run(_backend(f"{server}/image-segmentation"), "image-segmentation", image, ctx)
    assert segments.data[0]["label"] == "cat" and Path(segments.data[0]["mask"]).is_file()
    vqa = _run(_backend(f"{server}/visual-question-answering"), "visual-question-answering",
               {**image, "text": "How many?"}, ctx)
    docqa = _run(_backend(f"{server}/document-question-answering"), "document-question-answering",
                 {**image, "text": "Which invoice?"}, ctx)
    assert (vqa.text, docqa.text) == ("two", "1042")


def test_generated_files(server: str, ctx: RunContext) -> None:
    from PIL import Image

    picture = _run(_backend(f"{server}/text-to-image"), "text-to-image", {"text": "a red square"}, ctx)
    with Image.open(picture.artifacts[0].path) as img:
        assert img.size == (8, 6)
    edited = _run(_backend(f"{server}/image-to-image"), "image-to-image", {"image": str(IMAGE), "text": "red"}, ctx)
    assert edited.artifacts[0].modality == "image"
    speech = _run(_backend(f"{server}/text-to-speech"), "text-to-speech", {"text": "hello"}, ctx)
    assert speech.artifacts[0].path.endswith(".wav") and speech.artifacts[0].modality == "audio"
    card = ModelCard(id="some/video-model", task="text-to-video", backends=["hf-inference"])
    assert "Inference Provider" in _backend(f"{server}/text-to-video").availability(card)


def test_audio_tasks(server: str, ctx: RunContext) -> None:
    audio = {"audio": str(AUDIO)}
    assert _run(_backend(f"{server}/automatic-speech-recognition"), "automatic-speech-recognition", audio,
                ctx).text == "hello world"
    assert _run(_backend(f"{server}/audio-classification"), "audio-classification", audio, ctx).data == \
        [{"label": "speech", "score": 0.95}]
    cleaned = _run(_backend(f"{server}/audio-to-audio"), "audio-to-audio", audio, ctx)
    assert cleaned.data[0]["label"] == "clean" and Path(cleaned.artifacts[0].path).read_bytes() == _wav()


def test_tabular_classification_reads_csv(server: str, ctx: RunContext, tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text("age,income\n30,100\n40,50\n")
    _Inference.requests.clear()
    out = _run(_backend(f"{server}/tabular-classification"), "tabular-classification", {"image": str(table)}, ctx)
    assert out.data == [{"row": 0, "label": "yes"}, {"row": 1, "label": "no"}]
    assert json.loads(_Inference.requests[0][1])["table"] == {"age": ["30", "40"], "income": ["100", "50"]}


def test_503_model_loading_is_retried_with_retry_after(server: str, ctx: RunContext) -> None:
    waits: list[float] = []
    backend = _backend(f"{server}/flaky-2/text-classification", sleep=waits.append)
    assert _run(backend, "text-classification", {"text": "x"}, ctx).data[0]["label"] == "POSITIVE"
    assert waits == [0.25, 0.25]


def test_429_gives_up_after_max_retries_with_backoff(server: str, ctx: RunContext) -> None:
    waits: list[float] = []
    backend = _backend(f"{server}/limited", sleep=waits.append, max_retries=3, backoff_s=0.5)
    with pytest.raises(BackendError, match="HTTP 429 after 3 retries"):
        _run(backend, "text-classification", {"text": "x"}, ctx)
    assert waits == [0.5, 1.0, 2.0]


def test_http_errors_and_timeouts(server: str, ctx: RunContext) -> None:
    with pytest.raises(BackendError, match="HTTP 404"):
        _run(_backend(f"{server}/missing", sleep=lambda s: None), "text-classification", {"text": "x"}, ctx)
    started = time.perf_counter()
    with pytest.raises(BackendError, match="timed out after 0.5 s|ReadTimeout"):
        _run(_backend(f"{server}/slow", timeout_s=0.5), "text-classification", {"text": "x"}, ctx)
    assert time.perf_counter() - started < 1.4


def test_card_endpoint_overrides_base_url(server: str, ctx: RunContext) -> None:
    backend = HFInferenceBackend(Settings(), timeout_s=5)
    card = ModelCard(id="my/endpoint", task="image-to-text", backends=["hf-inference"],
                     runtime={"base_url": f"{server}/image-to-text"})
    assert backend.availability(card) is None
    assert backend.run(card, "image-to-text", {"image": str(IMAGE)}, ctx).text == "a cat on a sofa"


def test_availability(monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    card = ModelCard(id="a/b", task="image-to-text", backends=["hf-inference"])
    assert "set HF_TOKEN" in HFInferenceBackend(Settings()).availability(card)
    assert HFInferenceBackend(Settings(), token="hf_x").availability(card) is None
    monkeypatch.setenv("HF_TOKEN", "hf_from_env")
    assert HFInferenceBackend(Settings()).token == "hf_from_env"
    assert HFInferenceBackend(Settings(hf_base_url="http://127.0.0.1:1")).availability(card) is None
    depth = card.model_copy(update={"task": "depth-estimation"})
    assert "does not run 'depth-estimation'" in HFInferenceBackend(Settings()).availability(depth)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    assert "unset HF_HUB_OFFLINE" in HFInferenceBackend(Settings()).availability(card)
    with pytest.raises(BackendError, match="unset HF_HUB_OFFLINE"):
        HFInferenceBackend(Settings()).run(card, "image-to-text", {"image": str(IMAGE)}, None)  # type: ignore[arg-type]


def test_tool_runs_a_remote_model(server: str, tmp_path: Path) -> None:
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.tools import make_tool

    backends = Backends([_backend(f"{server}/text-classification")])
    tool = make_tool("text-classification", model_id="distilbert/sst2", backends=backends,
                     store=ArtifactStore(tmp_path), settings=Settings())
    message = tool.invoke({"type": "tool_call", "id": "c1", "name": tool.name, "args": {"text": "I love it"}})
    assert "POSITIVE (0.93)" in message.content and "hf-inference" in message.content
    assert message.artifact.model_id == "distilbert/sst2" and message.artifact.backend == "hf-inference"
