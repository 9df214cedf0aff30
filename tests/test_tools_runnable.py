"""Task tools as a LangChain user meets them: a plain string input, only the tools that can run,
descriptions that promise what runs, and model ids checked against the catalog at construction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import HuggingGPTToolkit
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.catalog import bundled_cards
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.tasks import TASK_TYPES
from hugginggpt_tools.testing import FakeBackend, fake_card
from hugginggpt_tools.tools import make_tool
from hugginggpt_tools.tools.models import card_summary, runnable_description


@pytest.fixture()
def fake() -> FakeBackend:
    return FakeBackend(handlers={"text-classification": lambda i, c: TaskOutput(text=f"label for {i['text']}"),
                                 "question-answering": lambda i, c: f"answer from {i['context']}"})


@pytest.fixture()
def parts(tmp_path: Path, fake: FakeBackend) -> dict:
    cards = [fake_card("text-classification", "fake/sentiment"), fake_card("question-answering", "fake/qa"),
             fake_card("image-classification", "fake/pets")]
    return {"settings": Settings(output_dir=tmp_path, allowed_dirs=[tmp_path]), "backends": Backends([fake]),
            "index": ModelIndex.build(cards, HashEmbedder()), "store": ArtifactStore(tmp_path, "tools")}


# ----------------------------------------------------------------------------- a plain string input


def test_a_plain_string_is_the_one_required_argument(parts: dict) -> None:
    tool = make_tool("text-classification", **parts)
    assert tool.invoke("I loved it").startswith("label for I loved it")
    assert tool.run("so so").startswith("label for so so")
    assert asyncio.run(tool.ainvoke("async text")).startswith("label for async text")


def test_a_plain_string_for_a_tool_of_two_arguments_names_them(parts: dict) -> None:
    tool = make_tool("question-answering", **parts)
    message = tool.invoke("Who sat?")
    assert message == ("question_answering takes 2 arguments (text, context), and a plain string gives one: "
                       "pass them as a dict, {'text': ..., 'context': ...}.")
    assert tool.invoke({"text": "Who sat?", "context": "The cat sat."}).startswith("answer from The cat sat.")


# ----------------------------------------------------------------------------- only what can run


def test_runnable_only_leaves_out_the_tools_no_model_can_run(parts: dict, fake: FakeBackend) -> None:
    runnable = ["text_classification", "question_answering", "image_classification"]
    assert [t.name for t in HuggingGPTToolkit(runnable_only=True, **parts).get_tools()] == runnable
    toolkit = HuggingGPTToolkit(**parts)
    assert len(toolkit.get_tools()) == len(TASK_TYPES)
    assert [t.name for t in toolkit.runnable_tools()] == runnable
    fake.unavailable.add("fake/qa")  # checked again on each call, as doctor checks
    assert [t.name for t in toolkit.runnable_tools()] == ["text_classification", "image_classification"]
    assert toolkit.get_tool("question-answering").availability() == (
        "none of the 1 question-answering models of the model index can run now; `hugginggpt doctor` lists the fixes")
    assert toolkit.get_tool("text-to-video").name == "text_to_video"  # asked for by name: given, with its reason
    assert toolkit.get_tool("text-classification").availability() is None


def test_an_injected_model_is_runnable_only_when_a_backend_runs_it(parts: dict) -> None:
    toolkit = HuggingGPTToolkit(tasks=["text-classification", "question-answering"], runnable_only=True,
                                model_ids={"question-answering": "someone/their-qa"}, **parts)
    assert [t.name for t in toolkit.get_tools()] == ["text_classification"]
    assert toolkit.get_tool("question-answering").availability().startswith("model 'someone/their-qa' cannot run now")


# ----------------------------------------------------------------------------- descriptions


def _bundled_parts(parts: dict, fake: FakeBackend) -> dict:
    """The real bundled cards in the index, served by a fake backend named "bundled"."""
    fake.backend_name = "bundled"
    return {**parts, "backends": Backends([fake]), "index": ModelIndex.build(bundled_cards(), HashEmbedder())}


def test_descriptions_say_what_the_runnable_models_do(parts: dict, fake: FakeBackend) -> None:
    toolkit = HuggingGPTToolkit(**_bundled_parts(parts, fake))
    toolkit.get_tools()
    ocr = toolkit.get_tool("image-to-text").description
    assert "caption" not in ocr and ocr.startswith("Turn an image into text. Runs here on bundled/rapidocr-ppocrv4 "
                                                   "(optical character recognition (OCR)).")
    labels = toolkit.get_tool("text-classification").description
    assert "bundled/fasttext-lid176 (language identification) or bundled/vader-sentiment (sentiment analysis" in labels
    assert "topic" not in labels and "toxicity" not in labels
    nothing = toolkit.get_tool("text-to-image").description
    assert nothing.startswith(TASK_TYPES["text-to-image"].description) and "No model can run it here now" in nothing
    fake.unavailable.add("bundled/rapidocr-ppocrv4")
    assert "image_to_text" not in [t.name for t in toolkit.runnable_tools()]
    assert "No model can run it here now" in toolkit.get_tool("image-to-text").description


def test_a_hub_model_is_named_by_id_and_many_models_keep_the_task_description() -> None:
    task = TASK_TYPES["image-to-text"]
    hub = fake_card("image-to-text", "acme/blip-captioner", description="# Model card\nBLIP base ...")
    assert card_summary(hub) == ""
    assert runnable_description(task, [hub]).startswith("Turn an image into text. Runs here on acme/blip-captioner. ")
    many = [fake_card("image-to-text", f"acme/m{i}") for i in range(4)]
    assert runnable_description(task, many).startswith(task.description)
    assert runnable_description(task, [hub], injected=True).endswith("; the model is fixed.")


# ----------------------------------------------------------------------------- model ids of another task


def test_a_catalog_model_of_another_task_type_fails_at_construction(parts: dict) -> None:
    with pytest.raises(ConfigError, match=r"model_ids\['automatic-speech-recognition'\]: model "
                                          r"'bundled/vader-sentiment' is a text-classification model in the catalog "
                                          r"and cannot run automatic-speech-recognition\. Give a model of "
                                          r"automatic-speech-recognition \(e\.g\. 'bundled/faster-whisper-tiny\.en'"):
        HuggingGPTToolkit(tasks=["asr"], model_ids={"asr": "bundled/vader-sentiment"})
    with pytest.raises(ConfigError, match="automatic_speech_recognition: model 'controller-llm' is a summarization"):
        make_tool("asr", model_id="controller-llm")
    # a Hub model of a task type taking and giving other modalities; one of the same modalities may serve
    with pytest.raises(ConfigError, match="'facebook/bart-large-cnn' is a summarization model"):
        make_tool("image-to-text", model_id="facebook/bart-large-cnn")
    assert make_tool("summarization", model_id="google/flan-t5-base").model_id == "google/flan-t5-base"
    assert make_tool("translation", model_id="controller-llm", **parts).card_for("controller-llm").source == "llm"
    assert HuggingGPTToolkit(model_ids={"asr": "someone/unknown-model"}).model_ids == {
        "automatic-speech-recognition": "someone/unknown-model"}
    # a card of the injected index counts too
    index = ModelIndex.build([fake_card("text-classification", "mine/labeller")], HashEmbedder())
    with pytest.raises(ConfigError, match="'mine/labeller' is a text-classification model"):
        HuggingGPTToolkit(index=index, model_ids={"text-to-speech": "mine/labeller"})


def test_the_runnable_tools_are_the_task_types_doctor_reports_runnable(tmp_path: Path) -> None:
    """The shipped index and the default backends, as `hugginggpt doctor` asks them."""
    from hugginggpt_tools.diagnostics import availability_matrix, matrix_json

    toolkit = HuggingGPTToolkit(settings=Settings(output_dir=tmp_path))
    names = [t.name for t in toolkit.runnable_tools()]
    index = toolkit.get_tool("ner").get_index()
    doctor = matrix_json(availability_matrix(index.cards, toolkit.backends))["runnable_now"]
    assert names == [task.replace("-", "_") for task in doctor]
    assert [t.name for t in HuggingGPTToolkit(settings=Settings(output_dir=tmp_path), runnable_only=True).get_tools()] \
        == names
