"""Sentence splitting for the bundled text models: linear cost, OCR lines, lists and unpunctuated
speech transcripts; and the extractive answerer saying when the text holds no answer."""

from __future__ import annotations

import time

import pytest

from hugginggpt_tools.backends.bundled_text import split_sentences


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        split_sentences(text)
        best = min(best, time.perf_counter() - started)
    return best


def test_splitting_cost_grows_linearly_with_the_text() -> None:
    """Full stops that end no sentence ("a. b. c.", lower-case after them) used to re-read the text
    from the sentence's start at each one: 8 times the text took about 60 times as long."""
    small = "word " * 2_000 + ". " + "a. b. c. " * 5_000
    large = "word " * 16_000 + ". " + "a. b. c. " * 40_000
    ratio = _seconds(large) / _seconds(small)
    assert ratio < 25, f"8x the text took {ratio:.0f}x as long"


TRANSCRIPT = ("okay so um let's get started uh thanks everyone for joining so the main thing today is that the "
              "checkout page redesign is not going to make the friday release um the payment team found a bug where "
              "uh the discount codes get applied twice if you refresh the page so we're going to push the launch to "
              "next wednesday instead uh priya can you give us an update on the fix yeah so um i've got a patch "
              "that's in review right now it should be merged by tomorrow morning and then qa needs like two days to "
              "retest everything okay great um the other thing is marketing wants the new screenshots by monday")


def test_an_unpunctuated_transcript_is_cut_into_sentence_sized_pieces() -> None:
    pieces = split_sentences(TRANSCRIPT)
    assert len(pieces) >= 4
    assert all(8 <= len(piece.split()) <= 32 for piece in pieces), [len(p.split()) for p in pieces]
    # cut before words that open an utterance, never after "the", "and" or "to"; no filler at either end
    assert all(piece.split()[0] not in {"um", "uh"} for piece in pieces)
    assert all(piece.split()[-1] not in {"the", "and", "to", "um", "uh"} for piece in pieces)
    assert "so the main thing today is that the checkout page redesign is not going to make the friday release" in pieces
    # nothing is lost or reordered but filler words at the pieces' ends
    fillers = {"um", "uh"}
    assert [w for w in " ".join(pieces).split() if w not in fillers] == [
        w for w in TRANSCRIPT.split() if w not in fillers]
    # a long sentence that has its full stop is not cut
    sentence = "The committee " + "met and talked and " * 20 + "agreed."
    assert split_sentences(sentence) == [sentence]


def test_ocr_lines_are_items_and_wrapped_lines_stay_whole() -> None:
    # a slide: lines that open with a capital, a digit or a symbol, one ending in a full stop
    slide = "Q3 Sales Review\nRevenue up 12% to $4.2M\nNew customers: 340\n(+21% in Europe)\nThank you.\nQuestions?"
    assert split_sentences(slide) == ["Q3 Sales Review", "Revenue up 12% to $4.2M", "New customers: 340",
                                      "(+21% in Europe)", "Thank you.", "Questions?"]
    # a line that starts lower-case continues the one before
    assert split_sentences("Next steps\nLaunch partner program\nin Q4\nHire 2 account managers") == [
        "Next steps", "Launch partner program in Q4", "Hire 2 account managers"]
    # a headline over its article is a piece of its own
    assert split_sentences("Bridge to close for eight months\nThe Harbor Street bridge will close on May 1. "
                           "Drivers must take a detour.") == [
        "Bridge to close for eight months", "The Harbor Street bridge will close on May 1.",
        "Drivers must take a detour."]
    # a line ending on "on", "the", "and" or a comma is wrapped, whatever the next line starts with
    assert split_sentences("We will meet at the office on\nMonday to discuss it.") == [
        "We will meet at the office on Monday to discuss it."]
    assert split_sentences("The report was written by Anna,\nJohn and the team.") == [
        "The report was written by Anna, John and the team."]
    # wrapped prose, mostly lower-case line starts, is joined as before
    notice = "The water supply to\nthis building will be\nshut off on Friday.\nPlease store water\nin advance."
    assert split_sentences(notice) == ["The water supply to this building will be shut off on Friday.",
                                       "Please store water in advance."]


def test_a_numbered_list_item_keeps_its_number() -> None:
    assert split_sentences("New rules:\n1. Badges must be worn.\n2. Visitors sign in.\nb) Bikes go outside.") == [
        "New rules:", "1. Badges must be worn.", "2. Visitors sign in.", "b) Bikes go outside."]
    assert split_sentences("Step 1. Mix the flour. 2. Add water.") == ["Step 1.", "Mix the flour.", "2. Add water."]


OFFER = ("Dear Ms. Novak,\n\nThank you for meeting our team last week. I am delighted to offer you the position of "
         "Senior Data Engineer at Brightline Analytics, starting on 1 September. The offer includes an annual salary "
         "of 78,000 euros, 28 days of paid leave and the option to work from home two days a week. Please let us "
         "know whether you accept by Friday, 15 August.\n\nKind regards,\nTomas Varga\nHead of Engineering")


@pytest.mark.integration
@pytest.mark.parametrize("question", ["Is there a company car?", "What is the capital of France?",
                                      "Who won the football match?"])
def test_a_question_the_text_does_not_answer_is_said_to_be_unanswered(bundled_qa, qa_ctx, question: str) -> None:
    out = bundled_qa.predict({"text": question, "context": OFFER}, qa_ctx)
    assert out.data["found"] is False and out.data["answer"] == ""
    assert out.text.startswith(f'no passage of the text answers "{question}"')
    assert out.data["closest"] in " ".join(split_sentences(OFFER))


@pytest.mark.integration
@pytest.mark.parametrize(("question", "holds"), [
    ("What is the salary?", "78,000 euros"), ("When does the job start?", "1 September"),
    ("When must she reply?", "15 August"), ("Which company is hiring?", "Brightline Analytics"),
    ("How many days of leave?", "28 days")])
def test_a_question_the_text_answers_is_still_answered(bundled_qa, qa_ctx, question: str, holds: str) -> None:
    out = bundled_qa.predict({"text": question, "context": OFFER}, qa_ctx)
    assert out.data["found"] is True and holds in out.text and out.data["answer"] == out.text
