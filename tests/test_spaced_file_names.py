"""A text file or document whose name holds a space stands for its text, as one without a space does:
"summarise the meeting notes.docx" answered "meeting notes.docx" (the words of its name), exit 0, and
``hugginggpt plan`` cut the name to "notes.docx". A text that only mentions such a name stays words."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import create_hugginggpt_agent
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.cli import main
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import resolve_args
from hugginggpt_tools.inputs import text_file_content
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.planning import OfflinePlanner
from hugginggpt_tools.planning.resources import find_resources
from hugginggpt_tools.testing import FakeBackend, fake_card

NOTES = "Attendees: Alice and Bob. The release ships on Friday."
STORY = "A small fox lived near a river and moved its den before the flood."


def _docx(path: Path, text: str) -> Path:
    """A minimal real Word document at ``path`` holding one paragraph of ``text``."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", f"<w:document {w}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
                                              "</w:body></w:document>")
    return path


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    _docx(folder / "meeting notes.docx", NOTES)
    (folder / "my story.txt").write_text(STORY)
    (folder / "story.txt").write_text("The other story.")
    return folder


def test_a_name_with_spaces_of_an_existing_file_is_read(work: Path) -> None:
    assert text_file_content("meeting notes.docx", cwd=work) == NOTES
    assert text_file_content(" my story.txt ", cwd=work) == STORY
    assert text_file_content(str(work / "my story.txt"), cwd=work) == STORY
    given = [str(work / "meeting notes.docx")]
    assert text_file_content("meeting notes.docx", given, cwd=work.parent) == NOTES


@pytest.mark.parametrize("words", ["meeting notes.docx is late", "the missing notes.docx", "see my story.txt",
                                   "intro\nmy story.txt", "meeting notes.docx."])
def test_words_that_name_no_file_stay_words(work: Path, words: str) -> None:
    assert text_file_content(words, cwd=work) is None


def test_a_name_with_spaces_outside_the_allowed_folders_is_refused(work: Path, tmp_path: Path) -> None:
    (tmp_path / "secret notes.txt").write_text("secret")
    with pytest.raises(InputError, match="secret notes.txt"):
        text_file_content(str(tmp_path / "secret notes.txt"), cwd=work, settings=Settings(output_dir=tmp_path / "o"))


def test_the_offline_plan_names_the_whole_file_and_the_task_reads_it(work: Path) -> None:
    store = ArtifactStore(work.parent / "out", "s1")
    planner = OfflinePlanner(matcher=False)
    for request, files, arg, text in [
        ("summarise the meeting notes.docx", ["meeting notes.docx"], "text", NOTES),
        ("who attended the meeting? meeting notes.docx", ["meeting notes.docx"], "context", NOTES),
        ("summarize my story.txt", ["my story.txt"], "text", STORY),
        ("summarize docs/my story.txt", ["my story.txt"], "text", STORY),
    ]:
        task = planner.plan(request, files=files).tasks[0]
        assert task.args[arg] == files[0], request
        assert resolve_args(task, {}, cwd=work, store=store)[arg] == text, request


def test_a_quoted_text_that_holds_a_given_name_is_the_text() -> None:
    """Not the file: the quote is longer than the name; a quote of just the name is the file."""
    files = ["meeting notes.docx"]
    found = find_resources("summarize 'meeting notes.docx is late'", files)
    assert [(r.value, r.kind) for r in found if r.mentioned] == [("meeting notes.docx is late", "quote")]
    found = find_resources('summarize "meeting notes.docx"', files)
    assert [(r.value, r.kind) for r in found if r.mentioned] == [("meeting notes.docx", "file")]
    task = OfflinePlanner(matcher=False).plan("summarize 'meeting notes.docx is late'", files=files).tasks[0]
    assert task.args["text"] == "meeting notes.docx is late"


@pytest.mark.parametrize(("request_text", "args"), [
    ("summarise the meeting notes.docx", {"text": "meeting notes.docx"}),
    ("summarize my story.txt", {"text": "my story.txt"}),
    ("describe garden house.jpg", {"image": "garden house.jpg"}),
])
def test_plan_on_the_command_line_finds_the_whole_name_in_the_folder(
        work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], request_text: str,
        args: dict[str, str]) -> None:
    """As ``run`` does (the agent's planning stage looks in the folder): ``plan`` cut it to its last word."""
    (work / "garden house.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(16))
    monkeypatch.chdir(work)
    assert main(["plan", request_text, "--planner", "offline"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["args"] == args


def test_the_agent_summarises_the_document_not_its_name(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = FakeBackend(handlers={"summarization": lambda inputs, ctx: f"SUMMARY OF: {inputs['text']}"})
    index = ModelIndex.build([fake_card("summarization", "fake/summarizer")], HashEmbedder())
    agent = create_hugginggpt_agent(None, planner="offline", settings=Settings(output_dir=work.parent / "out"),
                                    index=index, backends=Backends([backend]))
    monkeypatch.chdir(work)
    for request, text in [("summarise the meeting notes.docx", NOTES), ("summarize my story.txt", STORY),
                          ("summarize 'meeting notes.docx is late'", "meeting notes.docx is late")]:
        answer = agent.invoke({"input": request})["answer"]
        assert [(r.status, r.text) for r in answer.results] == [("succeeded", f"SUMMARY OF: {text}")], request


def test_spaced_file_names_is_linear_in_the_request(tmp_path: Path) -> None:
    """Each name end re-split all the text before it: 1 s at 8 KB, 7 s at 32 KB of "a.png " words."""
    import time

    from hugginggpt_tools.inputs import spaced_file_names

    (tmp_path / "small text.png").write_bytes(b"png")
    request = "a.png " * 6_000 + "read small text.png"
    started = time.perf_counter()
    assert spaced_file_names(request, tmp_path) == ["small text.png"]
    assert time.perf_counter() - started < 2.0
