"""Task tools and the toolkit: one tool per task type, model choice, inputs, results, agents."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from helpers import QuietHandler, http_server
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hugginggpt_tools import HuggingGPTToolkit
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, RunContext, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import TaskResult
from hugginggpt_tools.tasks import TASK_TYPES
from hugginggpt_tools.testing import FakeBackend, fake_card, fake_tool_calling_model
from hugginggpt_tools.tools import TOOL_CLASSES, HuggingGPTTool, make_tool
from hugginggpt_tools.tools.schemas import ASKED_EXAMPLES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 30


def _size(inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    path = Path(inputs["image"])
    return TaskOutput(text=f"{path.suffix} file of {path.stat().st_size} bytes", data={"bytes": path.stat().st_size})


def _draw(inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
    out = ctx.store.new_path(".png", stem="boxes")
    out.write_bytes(PNG + b"boxes")
    artifact = ctx.save_file(out, "boxes drawn")
    return TaskOutput(text="1 face", data=[{"label": "face", "box": [1, 2, 3, 4]}], artifacts=[artifact])


@pytest.fixture()
def fake() -> FakeBackend:
    return FakeBackend(handlers={"image-classification": _size, "object-detection": _draw,
                                 "text-classification": lambda i, c: TaskOutput(text=f"label for {i['text']}",
                                                                                data=[{"label": "X", "score": 1.0}])})


@pytest.fixture()
def index() -> ModelIndex:
    cards = [fake_card("image-classification", "fake/cats-and-dogs", description="classify pets cats dogs",
                       downloads=10),
             fake_card("image-classification", "fake/landscapes", description="classify mountains lakes", downloads=10),
             fake_card("object-detection", "fake/faces", description="detect faces"),
             fake_card("text-classification", "fake/sentiment", description="sentiment positive negative")]
    return ModelIndex.build(cards, HashEmbedder())


@pytest.fixture()
def parts(tmp_path: Path, fake: FakeBackend, index: ModelIndex) -> dict:
    settings = Settings(output_dir=tmp_path, allowed_dirs=[tmp_path], allowed_hosts=["127.0.0.1"])
    return {"settings": settings, "backends": Backends([fake]), "index": index,
            "store": ArtifactStore(tmp_path, "tools")}


def call(tool: HuggingGPTTool, **args: object) -> ToolMessage:
    return tool.invoke({"type": "tool_call", "id": "call-1", "name": tool.name, "args": args})


# ----------------------------------------------------------------------------- generated tools


def test_one_tool_class_per_task_type() -> None:
    assert set(TOOL_CLASSES) == set(TASK_TYPES)
    for name, cls in TOOL_CLASSES.items():
        tool = cls()
        spec = TASK_TYPES[name]
        assert issubclass(cls, HuggingGPTTool) and tool.task == name
        assert tool.name == name.replace("-", "_") and tool.response_format == "content_and_artifact"
        assert spec.description in tool.description
        schema = tool.tool_call_schema.model_json_schema()
        asked = {"request"} if name in ASKED_EXAMPLES else set()  # what the LLM wants, for the model choice
        assert set(schema["properties"]) == {a.name for a in spec.args} | asked
        assert set(schema.get("required", [])) == {a.name for a in spec.args if a.required}
        assert not {"model_id", "index", "backends", "store", "settings"} & set(schema["properties"])
        for arg in spec.args:
            prop = schema["properties"][arg.name]
            assert ("plain text" in prop["description"]) != ("artifact id" in prop["description"])
    assert TOOL_CLASSES["object-detection"].__name__ == "ObjectDetectionTool"


def test_file_argument_schema_is_a_string_for_the_llm() -> None:
    schema = TOOL_CLASSES["automatic-speech-recognition"]().tool_call_schema.model_json_schema()
    assert schema["properties"]["audio"]["type"] == "string"
    assert "http(s) URL" in schema["properties"]["audio"]["description"]
    assert "image file" in TOOL_CLASSES["object-detection"]().description


# ----------------------------------------------------------------------------- choosing and running


def test_tool_chooses_from_the_index_and_returns_content_and_artifact(parts: dict, tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    tool = make_tool("image-classification", request="classify pets: cats or dogs", **parts)
    message = call(tool, image=str(image))
    assert isinstance(message.artifact, TaskResult) and message.artifact.status == "succeeded"
    assert message.artifact.model_id == "fake/cats-and-dogs" and message.artifact.data == {"bytes": len(PNG)}
    assert message.content.startswith(".png file of 38 bytes") and "fake/cats-and-dogs" in message.content


def test_unrunnable_models_are_skipped_and_failures_fall_back(parts: dict, fake: FakeBackend, tmp_path: Path) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    fake.unavailable.add("fake/cats-and-dogs")
    assert call(make_tool("image-classification", request="cats", **parts), image=str(image)).artifact.model_id == \
        "fake/landscapes"
    fake.unavailable.clear()
    fake.failing.add("fake/cats-and-dogs")
    result = call(make_tool("image-classification", request="cats", **parts), image=str(image)).artifact
    assert result.attempts == ["fake/cats-and-dogs", "fake/landscapes"] and result.model_id == "fake/landscapes"


def test_injected_model_id_skips_the_index(parts: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_index(*args: object) -> None:
        raise AssertionError("the index must not be loaded")

    monkeypatch.setattr("hugginggpt_tools.model_index.index.load_default_index", no_index)
    local = FakeBackend(handlers={"text-classification": lambda i, c: f"label for {i['text']}"},
                        backend_name="transformers")
    parts = {**parts, "index": None, "backends": Backends([local])}
    tool = make_tool("text-classification", model_id="someone/their-model", **parts)
    message = call(tool, text="hello")
    assert message.artifact.model_id == "someone/their-model" and message.artifact.backend == "transformers"
    assert "label for hello" in message.content and tool.index is None
    assert tool.card_for("bundled/fasttext-lid176").source == "bundled"


def test_failures_reach_the_llm_as_error_messages(parts: dict, fake: FakeBackend) -> None:
    fake.failing.update({"fake/sentiment"})
    message = call(make_tool("text-classification", **parts), text="x")
    assert message.status == "error" and "failed on purpose" in message.content
    fake.unavailable.add("fake/sentiment")
    message = call(make_tool("text-classification", **parts), text="x")
    assert message.status == "error" and "no runnable model" in message.content
    message = call(make_tool("text-classification", **parts), texte="x")
    assert message.status == "error" and "text: Field required" in message.content
    assert "texte: Extra inputs are not permitted" in message.content
    # a value no branch of a file argument's union takes: one line, not pydantic's branch names
    message = call(make_tool("image-classification", **parts), image=5)
    assert message.status == "error" and "image: Input should be a valid string (got int 5)." in message.content
    assert "lax-or-strict" not in message.content
    message = call(make_tool("text-to-image", **parts), text="a red fox")
    assert message.status == "error" and "catalog has no model" in message.content


def test_bytes_paths_urls_and_artifact_ids(parts: dict, tmp_path: Path) -> None:
    class Files(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG + b"url")

    with http_server(Files) as httpd:
        classify = make_tool("image-classification", model_id="fake/cats-and-dogs", **parts)
        detect = make_tool("object-detection", model_id="fake/faces", **parts)
        assert call(classify, image=f"http://127.0.0.1:{httpd.server_port}/pets/cat.png").artifact.data == \
            {"bytes": len(PNG) + 3}
    assert classify.invoke({"image": PNG}) == ".png file of 38 bytes\n(model fake/cats-and-dogs on the fake backend)"
    path = tmp_path / "x.png"
    path.write_bytes(PNG + b"xx")
    assert call(classify, image=path).artifact.data == {"bytes": len(PNG) + 2}
    boxes = call(detect, image=str(path)).artifact.artifacts[0]
    assert boxes.task == "object-detection" and boxes.mime_type == "image/png"
    assert call(classify, image=boxes.id).artifact.data == {"bytes": len(PNG) + 5}
    message = call(classify, image="file:///etc/passwd")
    assert message.status == "error" and "only http:// and https://" in message.content


async def test_async_invocation(parts: dict) -> None:
    message = await make_tool("text-classification", **parts).ainvoke(
        {"type": "tool_call", "id": "a1", "name": "text_classification", "args": {"text": "async"}})
    assert message.artifact.text == "label for async"


# ----------------------------------------------------------------------------- toolkit


def test_toolkit_shares_parts_and_validates(parts: dict) -> None:
    toolkit = HuggingGPTToolkit(**parts)
    tools = toolkit.get_tools()
    assert [t.name for t in tools] == [t.replace("-", "_") for t in TASK_TYPES]
    assert all(t.backends is parts["backends"] and t.store is parts["store"] for t in tools)
    assert toolkit.get_tools()[0] is tools[0]
    small = HuggingGPTToolkit(tasks=["OCR", "speech recognition"], model_ids={"ASR": "bundled/faster-whisper-tiny.en"},
                              **parts)
    assert [t.task for t in small.get_tools()] == ["image-to-text", "automatic-speech-recognition"]
    assert small.get_tool("asr").model_id == "bundled/faster-whisper-tiny.en"
    with pytest.raises(ConfigError, match="Unknown task type 'painting'"):
        HuggingGPTToolkit(tasks=["painting"])
    # two aliases of one task type would be two tools of one name, the second need lost
    with pytest.raises(ConfigError, match=r"'language identification', 'sentiment analysis'\] name the same task "
                                          r"type 'text-classification'"):
        HuggingGPTToolkit(tasks=["language identification", "sentiment analysis"])
    with pytest.raises(ConfigError, match="no tool for 'summarization'"):
        small.get_tool("summarization")


def test_toolkit_defaults_make_one_store_and_backends(tmp_path: Path) -> None:
    toolkit = HuggingGPTToolkit(settings=Settings(output_dir=tmp_path), session_id="s1", tasks=["ner", "ocr"])
    first, second = toolkit.get_tools()
    assert first.store is second.store and first.store.folder == (tmp_path / "s1").resolve()
    assert set(first.backends) == {"bundled", "transformers", "hf-inference"}


def _chaining_model(image: str) -> Any:
    """A scripted tool-calling model: detect faces, classify the detector's output image by its
    artifact id (read from the tool message, as an LLM would), then answer."""

    def classify_the_detection(messages: list[Any]) -> AIMessage:
        artifact_id = re.search(r"artifact id ([0-9a-f]{12})", messages[-1].content).group(1)
        return AIMessage("", tool_calls=[{"name": "image_classification", "args": {"image": artifact_id}, "id": "c2"}])

    return fake_tool_calling_model([
        AIMessage("", tool_calls=[{"name": "object_detection", "args": {"image": image}, "id": "c1"}]),
        classify_the_detection,
        AIMessage("There is one face."),
    ])


def test_tools_inside_create_agent_pass_artifacts_by_id(parts: dict, tmp_path: Path) -> None:
    from langchain.agents import create_agent

    image = tmp_path / "photo.png"
    image.write_bytes(PNG)
    toolkit = HuggingGPTToolkit(tasks=["object-detection", "image-classification"], **parts)
    agent = create_agent(_chaining_model(str(image)), tools=toolkit.get_tools(), system_prompt="You are HuggingGPT.")
    state = agent.invoke({"messages": [HumanMessage(f"Find faces in {image} and classify the result")]})
    tool_messages = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert [m.name for m in tool_messages] == ["object_detection", "image_classification"]
    assert all(m.status == "success" for m in tool_messages)
    detection, classification = (m.artifact for m in tool_messages)
    assert detection.data == [{"label": "face", "box": [1, 2, 3, 4]}]
    assert classification.inputs["image"] == detection.artifacts[0].path
    assert state["messages"][-1].content == "There is one face."
    json.dumps([m.artifact.model_dump(mode="json") for m in tool_messages])  # artifacts serialise


@pytest.mark.integration
def test_default_toolkit_runs_a_bundled_model_chosen_from_the_shipped_index(tmp_path: Path) -> None:
    tool = HuggingGPTToolkit(settings=Settings(output_dir=tmp_path), tasks=["language identification"]).get_tools()[0]
    message = call(tool, text="Dies ist ein kurzer deutscher Satz über das Wetter.")
    assert message.artifact.model_id == "bundled/fasttext-lid176" and message.artifact.data[0]["label"] == "de"
    assert "German (de" in message.content
    sentiment = HuggingGPTToolkit(settings=Settings(output_dir=tmp_path), tasks=["sentiment analysis"]).get_tools()[0]
    message = call(sentiment, text="The soup was cold and the waiter was rude.")
    assert message.artifact.model_id == "bundled/vader-sentiment" and message.artifact.data["label"] == "negative"
    assert all(HuggingGPTToolkit(tasks=[name]).needs == {} for name in ("Text Classification", "text_classification"))


def test_an_alias_is_a_need_unless_needs_says_otherwise_under_any_name() -> None:
    assert HuggingGPTToolkit(tasks=("language identification",)).needs == {
        "text-classification": "language identification"}
    explicit = HuggingGPTToolkit(tasks=["language identification"], needs={"text_classification": "sentiment"})
    assert explicit.needs == {"text-classification": "sentiment"}
    with pytest.raises(ConfigError, match="needs names the task type 'text-classification' twice"):
        HuggingGPTToolkit(needs={"text_classification": "a", "text-classification": "b"}, tasks=["ner"])
    # also without tasks, and for model_ids
    with pytest.raises(ConfigError, match="needs names the task type 'text-classification' twice"):
        HuggingGPTToolkit(needs={"text_classification": "a", "text-classification": "b"})
    with pytest.raises(ConfigError, match="model_ids names the task type 'translation' twice"):
        HuggingGPTToolkit(model_ids={"Translation": "m/a", "translation": "m/b"})
