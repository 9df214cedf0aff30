"""Faults a LangChain developer met in the tools surface: the agent-as-a-tool crashing its caller on a
bad call, descriptions promising what cannot run here, a text classifier that could not be asked for a
language, artifact ids unknown to a second toolkit, and unknown task names without a "did you mean"."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from helpers import fake_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hugginggpt_tools import HuggingGPTToolkit, create_hugginggpt_agent
from hugginggpt_tools.agent_tool import DEFAULT_DESCRIPTION, create_hugginggpt_tool
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.catalog import bundled_cards
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelCard
from hugginggpt_tools.testing import FakeBackend, SubsetBackend, fake_card, fake_tool_calling_model


def _bundled(model_id: str, backend: str = "fake") -> ModelCard:
    """The shipped card of a bundled model, served by ``backend``."""
    card = next(c for c in bundled_cards() if c.id == model_id)
    return card.model_copy(update={"backends": [backend]})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(output_dir=tmp_path / "out", index_dir=tmp_path / "no-index", catalog_dir=tmp_path / "catalog")


# ----------------------------------------------------------------------------- 1. the agent as a tool


class _DownChat(BaseChatModel):
    """A controller LLM whose provider is down."""

    @property
    def _llm_type(self) -> str:
        return "down"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
        raise ConnectionError("provider down")


def _outer_agent(kind: str, args: dict[str, Any], tool: Any) -> Any:
    model = fake_tool_calling_model([
        AIMessage("", tool_calls=[{"name": "hugginggpt", "args": args, "id": "c1", "type": "tool_call"}]),
        AIMessage("Sorry."),
    ])
    if kind == "create_agent":
        from langchain.agents import create_agent

        return create_agent(model, tools=[tool])
    from langgraph.prebuilt import create_react_agent

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moved to langchain.agents; still what many tutorials use
        return create_react_agent(model, [tool])


@pytest.mark.parametrize("kind", ["create_react_agent", "create_agent"])
@pytest.mark.parametrize(("args", "says"), [
    ({"input": ""}, "input: String should have at least 1 character (got str '')"),
    ({"input": "   "}, "input: String should have at least 1 character"),
    ({"input": "Read the text", "file": "page.png"}, "file: Extra inputs are not permitted"),
    ({"input": "read it", "files": ["FOLDER"]}, "hugginggpt: 'files' names the folder"),
], ids=["empty", "blank", "unknown-argument", "folder"])
def test_a_bad_call_of_the_agent_tool_is_an_error_message_not_a_crash(
        settings: Settings, tmp_path: Path, kind: str, args: dict[str, Any], says: str) -> None:
    agent = fake_agent(settings, {"fake/sum": ("summarization", lambda inputs, ctx: "SHORT")})
    if args.get("files") == ["FOLDER"]:
        args = {**args, "files": [str(tmp_path)]}
    state = _outer_agent(kind, args, create_hugginggpt_tool(agent)).invoke({"messages": [HumanMessage("x")]})
    [message] = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert message.status == "error" and says in message.content
    assert state["messages"][-1].content == "Sorry."  # the calling agent went on


def test_a_failing_controller_llm_is_an_error_message(settings: Settings) -> None:
    index = ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())
    agent = create_hugginggpt_agent(_DownChat(), planner="llm", settings=settings, index=index,
                                    backends=Backends([FakeBackend()]))
    state = _outer_agent("create_agent", {"input": "Summarize: cats."}, create_hugginggpt_tool(agent)).invoke(
        {"messages": [HumanMessage("x")]})
    [message] = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert message.status == "error"
    assert "provider down" in message.content and "planner='auto' falls back" in message.content


def test_the_agent_tool_schema_asks_for_a_request_and_takes_one_path(settings: Settings, tmp_path: Path) -> None:
    agent = fake_agent(settings, {"fake/sum": ("summarization", lambda inputs, ctx: "SHORT")})
    tool = create_hugginggpt_tool(agent)
    schema = tool.tool_call_schema.model_json_schema()
    assert schema["properties"]["input"]["minLength"] == 1 and schema["required"] == ["input"]
    note = tmp_path / "note.txt"
    note.write_text("A long story about cats.")
    assert "SHORT" in tool.invoke({"input": "Summarize note.txt", "files": str(note)})  # one path, as the agent takes


# ----------------------------------------------------------------------------- 2. the agent tool's description


def test_the_agent_tool_names_what_runs_here_and_no_more(settings: Settings) -> None:
    ocr, captioner = _bundled("bundled/rapidocr-ppocrv4"), fake_card("image-to-text", "fake/captioner")
    cards = [ocr, captioner, fake_card("translation", "fake/opus"), fake_card("summarization", "fake/sum")]
    backend = FakeBackend(unavailable={"fake/captioner", "fake/opus"})
    agent = create_hugginggpt_agent(settings=settings, index=ModelIndex.build(cards, HashEmbedder()),
                                    backends=Backends([backend]))
    description = create_hugginggpt_tool(agent).description
    assert "Here it can do: summarization, optical character recognition (OCR);" in description
    assert "caption" not in description and "translation" not in description
    assert create_hugginggpt_tool(agent, description="Mine.").description == "Mine."


def test_the_default_agent_tool_is_described_without_loading_the_index(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools import pipeline

    def no_index(*args: Any) -> None:
        raise AssertionError("the index was loaded to describe the tool")

    monkeypatch.setattr(pipeline, "load_default_index", no_index)
    only_ocr = Backends([SubsetBackend({"bundled/rapidocr-ppocrv4"}, name="bundled")])
    tool = create_hugginggpt_tool(create_hugginggpt_agent(settings=settings, backends=only_ocr))
    assert "Here it can do: optical character recognition (OCR);" in tool.description
    assert "caption" not in tool.description and "translation" not in tool.description
    nothing = Backends([SubsetBackend(set(), name="bundled")])
    tool = create_hugginggpt_tool(create_hugginggpt_agent(settings=settings, backends=nothing))
    assert "no model can run here now" in tool.description


def test_another_runnable_gets_the_description_that_promises_no_task() -> None:
    from langchain_core.runnables import RunnableLambda

    tool = create_hugginggpt_tool(RunnableLambda(lambda state: {"output": "ok", "answer": None}))
    assert tool.description == DEFAULT_DESCRIPTION and "caption" not in DEFAULT_DESCRIPTION


# ----------------------------------------------------------------------------- 3. get_tool's description


@pytest.fixture
def parts(tmp_path: Path) -> dict[str, Any]:
    cards = [_bundled("bundled/fasttext-lid176"), _bundled("bundled/vader-sentiment"),
             fake_card("image-to-text", "fake/ocr", description="Optical character recognition"),
             fake_card("image-to-text", "fake/captioner"), fake_card("text-to-speech", "fake/tts"),
             fake_card("automatic-speech-recognition", "fake/asr")]
    backend = FakeBackend(unavailable={"fake/captioner", "fake/ocr"}, handlers={
        "text-classification": lambda inputs, ctx: "label",
        "text-to-speech": lambda inputs, ctx: TaskOutput(
            text="spoken", artifacts=[ctx.save_bytes(inputs["text"].encode(), ".wav")]),
        "automatic-speech-recognition": lambda inputs, ctx: Path(inputs["audio"]).read_text()})
    return {"settings": Settings(output_dir=tmp_path / "out"), "backends": Backends([backend]),
            "index": ModelIndex.build(cards, HashEmbedder())}


def test_get_tool_describes_the_tool_by_what_runs_as_get_tools_does(parts: dict[str, Any]) -> None:
    toolkit = HuggingGPTToolkit(**parts)
    classifier = toolkit.get_tool("text-classification")
    assert "Runs here on bundled/fasttext-lid176 (language identification)" in classifier.description
    assert toolkit.get_tool("image_to_text").description.startswith(
        "Turn an image into text: read the text in it (OCR) or write a caption describing it. No model can run it")
    described = {t.name: t.description for t in toolkit.get_tools()}
    assert described["text_classification"] == classifier.description
    assert described["image_to_text"] == toolkit.get_tool("image_to_text").description


# ----------------------------------------------------------------------------- 4. asking a classifier


def test_the_llm_asks_a_classifier_for_a_language_or_a_sentiment(parts: dict[str, Any]) -> None:
    tool = HuggingGPTToolkit(tasks="text-classification", **parts).get_tools()[0]
    schema = tool.tool_call_schema.model_json_schema()
    assert schema["required"] == ["text"] and "which language" in schema["properties"]["request"]["description"]
    assert "Say what you want in 'request' (e.g. 'which language' or 'the sentiment')" in tool.description

    def model_for(**args: str) -> str:
        message = tool.invoke({"name": tool.name, "args": {"text": "Bonjour tout le monde", **args}, "id": "1",
                               "type": "tool_call"})
        assert message.status == "success", message.content
        return message.artifact.model_id

    assert model_for(request="identify the language") == "bundled/fasttext-lid176"
    assert model_for(request="the sentiment") == "bundled/vader-sentiment"
    toolkit = HuggingGPTToolkit(tasks=["sentiment analysis"], **parts)  # the toolkit's need, then the call's
    tool = toolkit.get_tools()[0]
    assert model_for(request="which language is this?") == "bundled/fasttext-lid176"
    assert model_for() == "bundled/vader-sentiment"


def test_only_tools_whose_model_depends_on_what_is_asked_take_a_request(parts: dict[str, Any]) -> None:
    toolkit = HuggingGPTToolkit(**parts)
    takes = {t.name for t in toolkit.get_tools() if "request" in t.tool_call_schema.model_json_schema()["properties"]}
    assert takes == {"text_classification", "token_classification", "image_to_text", "audio_to_audio",
                     "audio_classification"}
    assert "'request'" not in toolkit.get_tool("automatic-speech-recognition").description
    one_model = HuggingGPTToolkit(tasks="text-classification", model_ids={
        "text-classification": "bundled/vader-sentiment"}, **parts).get_tools()[0]
    assert "'request'" not in one_model.description  # a fixed model: what is asked chooses nothing


# ----------------------------------------------------------------------------- 5. ids across toolkits


@pytest.fixture
def shared_ids() -> Iterator[Any]:
    """The process-wide id registry (:mod:`hugginggpt_tools.tools.shared_ids`), empty before and after the test."""
    from hugginggpt_tools.tools import shared_ids as registry

    registry._shared.clear()
    yield registry
    registry._shared.clear()


def _tool(parts: dict[str, Any], task: str, **settings: Any) -> Any:
    """The one tool of a toolkit for ``task`` with the backends and index of ``parts`` and its own ``Settings``."""
    return HuggingGPTToolkit(tasks=task, **{**parts, "settings": Settings(**settings)}).get_tools()[0]


def test_an_artifact_id_from_one_toolkit_is_taken_by_another(parts: dict[str, Any], tmp_path: Path, shared_ids: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tts = HuggingGPTToolkit(tasks="tts", **parts).get_tools()[0]
    asr = HuggingGPTToolkit(tasks="asr", **parts).get_tools()[0]
    assert tts.store is not asr.store
    message = tts.invoke({"name": tts.name, "args": {"text": "Hello there"}, "id": "1", "type": "tool_call"})
    [made] = message.artifact.artifacts
    assert f"artifact id {made.id}" in message.content
    assert asr.invoke({"audio": made.id}).startswith("Hello there")
    assert asr.store.find(made.id).path == made.path  # now in the second store, same id and file


def test_toolkits_with_default_settings_take_each_others_ids(parts: dict[str, Any], tmp_path: Path, shared_ids: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HUGGINGGPT_OUTPUT_DIR", raising=False)
    tts, asr = _tool(parts, "tts"), _tool(parts, "asr")  # a Settings() each: the default output folder
    tts.invoke({"text": "Hello there"})
    said = asr.invoke({"audio": "0123456789ab"})
    [made] = tts.store.list()
    assert f"the latest are {made.id} (audio, text-to-speech)" in said and made.path not in said
    assert asr.invoke({"audio": made.id}).startswith("Hello there")


def test_a_toolkit_with_its_own_output_folder_neither_sees_nor_takes_another_ones_ids(
        parts: dict[str, Any], tmp_path: Path, shared_ids: Any) -> None:
    alice = _tool(parts, "tts", output_dir=tmp_path / "alice")
    bob = _tool(parts, "asr", output_dir=tmp_path / "bob")
    alice.invoke({"text": "alice's secret: PIN 4711"})
    [secret] = alice.store.list()
    said = bob.invoke({"audio": "0123456789ab"})
    assert secret.id not in said and str(tmp_path / "alice") not in said
    refused = bob.invoke({"audio": secret.id})
    assert "4711" not in refused and str(tmp_path / "alice") not in refused
    assert "none has made a file this tool can read" in said
    assert f"No tool of this process made an artifact with id {secret.id!r} that this tool can read" in refused
    assert bob.store.find(secret.id) is None
    carol = _tool(parts, "asr", output_dir=tmp_path / "carol", allowed_dirs=[tmp_path / "alice"])
    assert carol.invoke({"audio": secret.id}).startswith("alice's secret")  # her allowed folders hold it


def test_an_unknown_or_deleted_artifact_id_says_so(parts: dict[str, Any], tmp_path: Path, shared_ids: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    asr = HuggingGPTToolkit(tasks="asr", **parts).get_tools()[0]
    said = asr.invoke({"audio": "0123456789ab"})
    assert "No tool of this process made an artifact with id '0123456789ab'" in said and "file's path" in said
    for root, says in ((tmp_path / "out", "was deleted; make it again"), (tmp_path / "other", "No tool of this")):
        gone = ArtifactStore(root, "s1").add_bytes(root.name.encode(), ".wav", task="text-to-speech")
        shared_ids.remember([gone])
        Path(gone.path).unlink()
        assert says in asr.invoke({"audio": gone.id}) and gone.path not in asr.invoke({"audio": gone.id})


def test_the_shared_ids_are_bounded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shared_ids: Any) -> None:
    monkeypatch.setattr(shared_ids, "MAX_SHARED_IDS", 2)
    store = ArtifactStore(tmp_path, "s")
    made = [store.add_bytes(bytes([n]), ".bin") for n in range(3)]
    shared_ids.remember(made)
    assert shared_ids.shared(made[0].id) is None and shared_ids.shared(made[2].id) == made[2]


# ----------------------------------------------------------------------------- 6. unknown task names


@pytest.mark.parametrize(("name", "close"), [("summarisation", "summarization"), ("image-to-txt", "image-to-text")])
def test_an_unknown_task_name_gets_the_closest_one(name: str, close: str, parts: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=f"Unknown task type '{name}' in tasks \\(did you mean {close}\\?\\)"):
        HuggingGPTToolkit(tasks=[name])
    with pytest.raises(ConfigError, match=f"in get_tool \\(did you mean {close}\\?\\)"):
        HuggingGPTToolkit(**parts).get_tool(name)
