"""A heading in sentence case or capitals ("Team meeting notes", "FOR IMMEDIATE RELEASE", "GreenLeaf Foods opens
new factory in Toledo") is a sentence of its own, left out of a summary: "summarize team_meeting_notes.docx" gave
"Team meeting notes Marco reported that ...", and a question about a wrapped .txt quoted the heading glued to its
answer. Wrapped prose (a line broken where the next word would not fit) still joins."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._sentences import heading, headings, split_sentences
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_minilm import MiniLMExtractiveQA, MiniLMExtractiveSummarizer
from hugginggpt_tools.config import Settings
from hugginggpt_tools.documents import read_text_file

NOTES = """Team meeting notes
Marco reported that the spring campaign brought in 240 new customers,
well above the target of 150. The team agreed to move the product launch
from May 3 to May 17 so that support staff can be trained first. Priya
will send the updated schedule to all departments by Friday."""

RELEASE = """FOR IMMEDIATE RELEASE
GreenLeaf Foods opens new factory in Toledo
The factory will cost 45 million dollars and
create 300 jobs when it opens in the spring.
Chief executive Dana Wills said the company chose
Toledo for its skilled workforce and its rail
links to Chicago and Detroit. Construction begins
in May and the first snacks will ship in March."""
"""Its paragraph wrapped at 49 characters (``textwrap.fill``): "... the company chose" over "Toledo ..." is shaped
like a heading over a sentence, but "Toledo" would not have fit on the line: a wrap."""


def _docx(path: Path, paragraphs: list[str]) -> Path:
    """A minimal real .docx at ``path``, one paragraph per item of ``paragraphs``."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
                f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", document)
    return path


def _ctx(tmp_path: Path, task: str) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path), settings=Settings(num_threads=1), task=task)


def test_a_sentence_case_heading_over_wrapped_prose_is_its_own_sentence() -> None:
    sentences = split_sentences(NOTES)
    assert sentences[:2] == ["Team meeting notes", "Marco reported that the spring campaign brought in 240 new "
                                                   "customers, well above the target of 150."]
    assert headings(sentences) == {0}


def test_a_kicker_and_a_headline_over_a_press_release_are_headings_and_wrapped_lines_join() -> None:
    sentences = split_sentences(RELEASE)
    assert sentences == ["FOR IMMEDIATE RELEASE", "GreenLeaf Foods opens new factory in Toledo",
                         "The factory will cost 45 million dollars and create 300 jobs when it opens in the spring.",
                         "Chief executive Dana Wills said the company chose Toledo for its skilled workforce and its "
                         "rail links to Chicago and Detroit.",
                         "Construction begins in May and the first snacks will ship in March."]
    assert headings(sentences) == {0, 1}
    assert split_sentences(RELEASE.split("\n", 2)[2]) == sentences[2:]


@pytest.mark.parametrize("line", ["Team meeting notes", "GreenLeaf Foods opens new factory in Toledo",
                                  "FOR IMMEDIATE RELEASE", "Next steps"])
def test_sentence_case_headings(line: str) -> None:
    assert heading(line)


@pytest.mark.parametrize("line", ["Diversion via", "Chief executive Dana Wills said the company will",
                                  "Social ads cost $42,000,", "marco reported that", "Team meeting notes."])
def test_lines_that_go_on_are_not_headings(line: str) -> None:
    assert not heading(line)


def test_headings_over_prose_are_a_short_run_after_a_sentence_end_or_a_salutation() -> None:
    receipt = ["GREEN VALLEY MARKET", "123 Oak Street", "Milk 2.49", "TOTAL 14.20", "Thank you for shopping with us."]
    assert headings(receipt) == set()
    assert headings(["Dear Sam,", "Project update", "The project is on time."]) == {1}
    assert headings(["The museum reopens on Saturday.", "Opening hours", "It opens at 9 a.m. daily."]) == {1}


@pytest.mark.parametrize(("paragraphs", "summary"), [
    (["Team meeting notes", "Marco reported that the spring campaign brought in 240 new customers."],
     "Marco reported that the spring campaign brought in 240 new customers."),
    (["FOR IMMEDIATE RELEASE", "GreenLeaf Foods opens new factory in Toledo",
      "The factory will cost $45 million and create 300 jobs when it opens next spring."],
     "The factory will cost $45 million and create 300 jobs when it opens next spring.")], ids=["notes", "release"])
def test_a_docx_summary_leaves_its_heading_out(paragraphs: list[str], summary: str, tmp_path: Path) -> None:
    """The heading is the document's own paragraph; what is left is one sentence, its own summary."""
    text = read_text_file(_docx(tmp_path / "notes.docx", paragraphs))
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))  # one sentence left: no embedding needed
    assert model.predict({"text": text}, _ctx(tmp_path, "summarization")).text == summary


@pytest.mark.integration
def test_a_summary_and_an_answer_over_prose_quote_no_heading(tmp_path: Path) -> None:
    summarizer = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    summarizer.load()
    for text in (NOTES, RELEASE):
        summary = summarizer.predict({"text": text}, _ctx(tmp_path, "summarization")).text
        assert not summary.startswith(("Team meeting", "FOR IMMEDIATE", "GreenLeaf Foods opens")), summary
    qa = MiniLMExtractiveQA(Settings(num_threads=1))
    qa.load()
    answer = qa.predict({"text": "How many new customers did the spring campaign bring in?", "context": NOTES},
                        _ctx(tmp_path, "question-answering")).text
    assert answer.startswith("Marco reported that the spring campaign brought in 240 new customers"), answer
