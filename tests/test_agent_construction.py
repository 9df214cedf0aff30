"""The agent's arguments checked where they are given: a wrong type is a ConfigError at construction
naming the argument, the type given and the fix (each used to surface later as a bare AttributeError
inside a LangGraph node); a folder among the files is refused naming it; a failed plan is named by
its planner as a good one is."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from helpers import fake_agent

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import AgentInputError, ConfigError, InputError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.pipeline import HuggingGPT
from hugginggpt_tools.testing import FakeBackend, fake_card, scripted_chat_model


@pytest.mark.parametrize("kwargs, named", [
    ({"llm": object()}, "llm must be a LangChain chat model or a 'provider:model' string, got object"),
    ({"llm": 42}, "got int 42; pass llm=init_chat_model('openai:gpt-4o-mini')"),
    ({"settings": {"top_k": 3}}, "settings must be a Settings or None, got dict {'top_k': 3}; pass "
                                 "settings=Settings(top_k=3)"),
    ({"backends": [FakeBackend()]}, "backends must be a Backends or None, got a list; pass "
                                    "backends=Backends([backend, ...])"),
    ({"index": "indexes/default"}, "index must be a ModelIndex or None, got str 'indexes/default'; pass "
                                   "index=ModelIndex.load('indexes/default')"),
    ({"choose_model": "yes"}, "choose_model must be True or False, got str 'yes'"),
])
@pytest.mark.parametrize("make", [create_hugginggpt_agent, HuggingGPT], ids=["create_hugginggpt_agent", "HuggingGPT"])
def test_a_wrong_typed_argument_is_a_config_error_at_construction(make: Any, kwargs: dict[str, Any],
                                                                  named: str) -> None:
    with pytest.raises(ConfigError) as error:
        make(**kwargs)
    assert named in str(error.value) and "\n" not in str(error.value)


def test_an_llm_spec_string_is_made_into_a_chat_model_as_the_cli_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """``llm="provider:model"`` goes through the CLI's ``--llm`` loader (``init_chat_model``)."""
    import langchain.chat_models

    made = scripted_chat_model(["[]"])
    specs: list[str] = []
    monkeypatch.setattr(langchain.chat_models, "init_chat_model", lambda spec, **kwargs: specs.append(spec) or made)
    hg = HuggingGPT("openai:gpt-4o-mini", planner="offline")
    assert specs == ["openai:gpt-4o-mini"] and hg.llm is made and hg.responder.llm is made


def test_an_llm_spec_of_a_missing_provider_names_the_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_anthropic", None)  # not installed
    with pytest.raises(ConfigError) as error:
        create_hugginggpt_agent(llm="anthropic:claude-3-5-haiku-latest")
    message = str(error.value)
    assert message.startswith("llm='anthropic:claude-3-5-haiku-latest': Cannot create the chat model")
    assert "pip install langchain-anthropic" in message


def test_an_empty_llm_spec_is_refused() -> None:
    with pytest.raises(ConfigError, match="llm must be a LangChain chat model or a 'provider:model' string, got str ' '"):
        create_hugginggpt_agent(llm=" ")


@pytest.fixture
def agent(tmp_path: Path) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"), {
        "fake/tts": ("text-to-speech", lambda inputs, ctx: f"spoke {inputs['text']}"),
        "fake/ocr": ("image-to-text", lambda inputs, ctx: "TEXT")})


def test_a_folder_among_the_files_is_refused_naming_it_and_its_files(agent: Any, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """It was read as the text of its own name: "Read the text aloud" spoke "examples"."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "examples"
    folder.mkdir()
    for name in ("a.png", "b.wav", "c.jpg", "d.txt", ".hidden"):
        (folder / name).write_bytes(b"x")
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "Read the text aloud", "files": ["examples"]})
    message = str(error.value)
    assert isinstance(error.value, InputError) and "\n" not in message
    assert message == ("'files' names the folder 'examples', not a file; give one path per file in it, e.g. "
                       "files=['examples/a.png', 'examples/b.wav', 'examples/c.jpg', ...].")
    (tmp_path / "empty").mkdir()
    (tmp_path / "page.png").write_bytes(b"x")
    with pytest.raises(AgentInputError, match=r"the folder 'empty', not a file; .* \(it holds no files\)"):
        agent.invoke({"input": "Read the text aloud", "files": [tmp_path / "page.png", "empty"]})
    # with a missing file too, one error names both
    with pytest.raises(AgentInputError, match=r"2 paths .*'gone.png' \(no such file\); 'empty' \(a folder: .*it holds "
                                              r"no files\)"):
        agent.invoke({"input": "Read the text aloud", "files": ["gone.png", "empty"]})


def test_a_failed_llm_plan_is_named_by_the_planner_as_a_good_one_is(tmp_path: Path) -> None:
    """The failed plan said "LLMPlanner", a good one "llm:fake-messages-list-chat-model"."""
    index = ModelIndex.build([fake_card("text-to-speech", "fake/tts")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"text-to-speech": lambda inputs, ctx: "spoke"})])
    good = '[{"task": "text-to-speech", "id": 0, "dep": [-1], "args": {"text": "hello"}}]'
    names = []
    for replies in ([good, "Said hello."], ["no json here", "still no json", "Sorry."]):
        agent = create_hugginggpt_agent(scripted_chat_model(replies), planner="llm", index=index, backends=backends,
                                        settings=Settings(output_dir=tmp_path / "out"))
        plan = agent.invoke("Say hello")["answer"].plan
        names.append((plan.planner, len(plan.tasks)))
    assert names == [("llm:fake-messages-list-chat-model", 1), ("llm:fake-messages-list-chat-model", 0)]


def test_a_served_folder_is_refused_without_showing_what_it_holds(agent: Any, tmp_path: Path) -> None:
    """A client is not shown the server's file names; a folder outside the uploads is not an upload."""
    uploads = tmp_path / "uploads"
    (uploads / "pages").mkdir(parents=True)
    (uploads / "pages" / "secret.png").write_bytes(b"x")
    config = {"configurable": {"hugginggpt_work_dir": str(uploads)}}
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "Read the text aloud", "files": ["pages"]}, config)
    assert str(error.value) == "'files' names the folder 'pages', not a file; give one path per file in it."
    answer = agent.invoke({"input": "Read the text aloud", "files": [str(tmp_path)]}, config)["answer"]
    assert "not an upload" in " ".join(answer.plan.missing)
