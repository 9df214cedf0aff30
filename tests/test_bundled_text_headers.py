"""The extractive answerer reads an e-mail's or memo's header lines ("From:", "To:", "Subject:",
"Date:") as such: they answer the questions that ask for them (who it went to, when it was sent,
what it is about) and no other ("To: All staff" is not where staff should gather)."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_text import asked_header, header_answer, headers, split_sentences

MEMO = ("From: Laura Chen, Facilities\nTo: All staff\nSubject: Fire drill on Wednesday\n\nThere will be a fire drill "
        "on Wednesday at 11 a.m. When the alarm sounds, leave by the nearest stairs and gather in the car park behind "
        "building C. Floor wardens will check that every room is empty.")
EMAIL = ("From: Priya Nair <priya@example.org>\nSent: Monday, 3 March 2025 09:14\nTo: Tom Ruiz\nCc: Dana Wells\n"
         "Subject: RE: Budget for the trade fair\n\nHi Tom,\n\nThe stand costs 4,000 euros and the printing another "
         "900. Dana will book the hotel for the team.\n\nBest,\nPriya\n\n"
         "From: Tom Ruiz\nTo: Priya Nair\nSubject: Budget for the trade fair\n\nHow much do we need for the fair?")


def test_header_lines_are_found_with_what_they_say() -> None:
    sentences = split_sentences(EMAIL)
    found = {sentences[k]: said for k, said in headers(sentences).items()}
    assert found["Sent: Monday, 3 March 2025 09:14"] == ("date", "Monday, 3 March 2025 09:14")
    assert found["Subject: RE: Budget for the trade fair"] == ("subject", "Budget for the trade fair")  # "RE:" dropped
    assert found["Cc: Dana Wells"] == ("recipient", "Dana Wells")
    assert headers(split_sentences("The plan: to ship in May. Note: the date is firm.")) == {}
    long_line = "Subject: " + "word " * 30
    assert headers([long_line.strip()]) == {}  # a sentence that goes on is no header


def test_header_answers_come_from_the_first_message() -> None:
    sentences = split_sentences(EMAIL)
    assert header_answer(sentences, "recipient")[0] == "Tom Ruiz; Dana Wells"  # not the quoted message's "To:"
    assert header_answer(sentences, "date")[0] == "Monday, 3 March 2025 09:14"
    assert header_answer(sentences, "subject")[0] == "Budget for the trade fair"
    assert header_answer(sentences, "sender")[0] == "Priya Nair <priya@example.org>"
    assert header_answer(split_sentences("The stand costs 4,000 euros."), "recipient") is None


@pytest.mark.parametrize(("question", "role"), [
    ("Who is the memo addressed to?", "recipient"), ("Who was the email sent to?", "recipient"),
    ("To whom is this letter written?", "recipient"), ("Who are the recipients?", "recipient"),
    ("Who was copied?", "recipient"), ("Who sent the email?", "sender"), ("Who is the memo from?", "sender"),
    ("When was the email sent?", "date"), ("What is the date of the letter?", "date"),
    ("What is the subject of the email?", "subject"), ("What's this memo about?", "subject"),
    ("Where should staff gather?", None), ("When is the fire drill?", None), ("Who is the party for?", None),
    ("What is the book about?", None), ("Who did Laura send the memo to?", "recipient")])
def test_which_header_a_question_asks_for(question: str, role: str | None) -> None:
    assert asked_header(question) == role


@pytest.mark.integration
@pytest.mark.parametrize(("question", "answer"), [
    ("Who is the memo addressed to?", "All staff"), ("What is the subject of the memo?", "Fire drill on Wednesday"),
    ("Who sent the memo?", "Laura Chen, Facilities")])
def test_a_question_about_a_header_is_answered_with_its_value(bundled_qa, qa_ctx, question: str, answer: str) -> None:
    out = bundled_qa.predict({"text": question, "context": MEMO}, qa_ctx)
    assert out.data["found"] is True and out.text == answer == out.data["answer"]


@pytest.mark.integration
def test_the_date_sent_is_the_header_and_a_recipient_question_is_not_about_the_sender(bundled_qa, qa_ctx) -> None:
    out = bundled_qa.predict({"text": "When was the email sent?", "context": EMAIL}, qa_ctx)
    assert out.text == "Monday, 3 March 2025 09:14" and out.data["by"] == "header"
    out = bundled_qa.predict({"text": "Who was the email sent to?", "context": EMAIL}, qa_ctx)
    assert out.text == "Tom Ruiz; Dana Wells"


@pytest.mark.integration
@pytest.mark.parametrize(("question", "words"), [
    ("Where should staff gather?", "car park behind building C"), ("When is the fire drill?", "at 11 a.m."),
    ("Who will check the rooms?", "Floor wardens")])
def test_header_lines_answer_no_other_question(bundled_qa, qa_ctx, question: str, words: str) -> None:
    """"To: All staff" was the passage closest to "Where should staff gather?"; a header line is
    neither the answer nor quoted with the sentence after it."""
    out = bundled_qa.predict({"text": question, "context": MEMO}, qa_ctx)
    assert out.data["found"] is True and words in out.text
    assert not any(field in out.text for field in ("From:", "To:", "Subject:"))
