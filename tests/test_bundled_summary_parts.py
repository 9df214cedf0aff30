"""What the extractive summary quotes from: an e-mail's news, not its header lines, salutation or sign-off
("summarize email.txt" quoted "From: ... To: ... Subject: ..."), and every one of several texts summarized
together, not only the first ("Transcribe meeting.wav and speech.wav, then summarize them together")."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_text import TEXTS_SEPARATOR, header_answer, split_sentences, split_texts
from hugginggpt_tools.config import Settings

MEMO = ("From: Nadia Okoro <nadia.okoro@example.net>\nTo: Lab staff\nSubject: Freezer move\nDate: 9 October 2024\n\n"
        "Hi all,\n\nThe minus-80 freezer moves to room 214 on Thursday morning. Please take out anything you need "
        "before Wednesday evening. Samples left inside will be kept frozen during the move. Ask Ben if you need dry "
        "ice.\n\nThanks,\nNadia")
GARAGE = ("Hi, this is Kai from the garage. Your van passed its safety check, but the front tyres are nearly worn "
          "out. We can fit new ones on Friday if you call us back today.")
DENTIST = "Hello, it's Rosa from the dental practice. Your check-up on Tuesday at nine is cancelled because the dentist is ill."


@pytest.fixture(scope="module")
def summarizer():
    from hugginggpt_tools.backends.bundled_text import MiniLMExtractiveSummarizer

    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    model.load()
    return model


@pytest.fixture
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task="summarization",
                      request="Summarize it")


def test_header_lines_stay_lines_of_their_own() -> None:
    assert split_sentences(MEMO)[:6] == ["From: Nadia Okoro <nadia.okoro@example.net>", "To: Lab staff",
                                         "Subject: Freezer move", "Date: 9 October 2024", "Hi all,",
                                         "The minus-80 freezer moves to room 214 on Thursday morning."]


def test_header_lines_are_not_run_into_a_paragraph_wrapped_under_them() -> None:
    text = ("From: Nadia Okoro\nSubject: Freezer move\nThe freezer moves to room 214 on Thursday and we\n"
            "need everything out by then, so please\ntake your boxes and the\nlabels.")
    sentences = split_sentences(text)
    assert sentences == ["From: Nadia Okoro", "Subject: Freezer move", "The freezer moves to room 214 on Thursday "
                         "and we need everything out by then, so please take your boxes and the labels."]
    assert header_answer(sentences, "subject") == ("Freezer move", [1])
    assert split_sentences("Subject: Lunch\nhi all, lunch is at\nnoon on the terrace.") == [
        "Subject: Lunch", "hi all, lunch is at noon on the terrace."]


def test_several_texts_are_cut_apart_at_the_separator() -> None:
    joined = TEXTS_SEPARATOR.join([GARAGE, DENTIST])
    assert split_texts(joined) == [GARAGE, DENTIST]
    assert split_texts(GARAGE + "\n\n" + DENTIST) == [GARAGE + "\n\n" + DENTIST], "paragraphs are one text"
    assert split_sentences(joined) == split_sentences(GARAGE) + split_sentences(DENTIST)
    assert "\x1e" not in " ".join(split_sentences(joined))


@pytest.mark.integration
def test_an_email_summary_quotes_the_news_not_the_headers_greeting_or_sign_off(summarizer, ctx) -> None:
    out = summarizer.predict({"text": MEMO}, ctx)
    assert "freezer moves to room 214" in out.text
    for furniture in ("From:", "To:", "Subject:", "Date:", "Hi all", "Thanks", "Nadia\n"):
        assert furniture not in out.text
    assert min(out.data["sentences"]) >= 5 and out.data["of"] == len(split_sentences(MEMO))


@pytest.mark.integration
def test_a_text_that_is_only_header_lines_is_still_summarized(summarizer, ctx) -> None:
    text = "From: Nadia Okoro\nTo: Lab staff\nSubject: Freezer move\nDate: 9 October 2024"
    assert summarizer.predict({"text": text}, ctx).text


@pytest.mark.integration
def test_a_summary_of_several_texts_covers_each(summarizer, ctx) -> None:
    out = summarizer.predict({"text": TEXTS_SEPARATOR.join([GARAGE, DENTIST])}, ctx)
    assert out.data["texts"] == 2
    assert "tyres" in out.text and "dentist is ill" in out.text
    three = [GARAGE, DENTIST, "The library opens late on Monday. The heating is being repaired. Loans are extended."]
    out = summarizer.predict({"text": TEXTS_SEPARATOR.join(three)}, ctx)
    starts = [0, len(split_sentences(GARAGE)), len(split_sentences(GARAGE)) + len(split_sentences(DENTIST))]
    assert out.data["texts"] == 3
    assert {sum(k >= start for start in starts) for k in out.data["sentences"]} == {1, 2, 3}, "one of each text"


@pytest.mark.integration
def test_an_asked_length_still_wins_over_covering_every_text(summarizer, ctx) -> None:
    ctx.request = "Summarize them together in one sentence"
    out = summarizer.predict({"text": TEXTS_SEPARATOR.join([GARAGE, DENTIST])}, ctx)
    assert len(out.data["sentences"]) == 1


@pytest.mark.integration
def test_a_short_letter_asked_for_in_one_sentence_gets_one_sentence_of_its_news(summarizer, ctx) -> None:
    letter = ("Hi Sam,\n\nThe van is ready for pickup on Friday after 3 pm. The invoice for the brake repair is "
              "attached.\n\nBest,\nKai")
    ctx.request = "Summarize it in one sentence"
    assert summarizer.predict({"text": letter}, ctx).text == "The van is ready for pickup on Friday after 3 pm."
    ctx.request = "Summarize it"
    assert summarizer.predict({"text": letter}, ctx).text == ("The van is ready for pickup on Friday after 3 pm. "
                                                              "The invoice for the brake repair is attached.")
