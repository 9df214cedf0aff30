"""The extractive answerer reads a letter's parts: who signed it is the name after the closing, not
the salutation ("Dear ...") that is closest in meaning to "Who signed the letter?"."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_text import letter_furniture, signature, split_sentences

OFFER = ("Dear Ms. Novak,\n\nThank you for meeting our team last week. I am delighted to offer you the position of "
         "Senior Data Engineer at Brightline Analytics, starting on 1 September. Please let us know whether you "
         "accept by Friday, 15 August.\n\nKind regards,\nTomas Varga\nHead of Engineering")
COMPLAINT = ("To whom it may concern,\n\nThe washing machine I bought on 2 March stopped draining after three weeks. "
             "I would like a full refund of 449 pounds.\n\nYours faithfully,\n\nMargaret Okafor")
NOTE = ("Hi Priya,\n\nThank you for covering my shifts at the clinic. I brought you back some tea from Darjeeling; "
        "it is on your desk.\n\nCheers,\nOwen")
MEMO = ("From: Laura Chen, Facilities\nTo: All staff\nSubject: Fire drill\n\nThere will be a fire drill on "
        "Wednesday at 11 a.m. Leave by the nearest stairs.")


def test_the_signature_is_the_name_after_the_closing() -> None:
    assert signature(split_sentences(OFFER)) == ("Tomas Varga, Head of Engineering", [4, 5])
    assert signature(split_sentences(COMPLAINT))[0] == "Margaret Okafor"
    assert signature(split_sentences(NOTE))[0] == "Owen"
    assert signature(split_sentences(MEMO))[0] == "Laura Chen, Facilities"  # no closing: the From line
    assert signature(split_sentences("Thanks for the help yesterday. The report is attached.")) is None


def test_salutation_and_closing_are_letter_furniture_and_sentences_are_not() -> None:
    sentences = split_sentences(NOTE)
    assert [sentences[k] for k in sorted(letter_furniture(sentences))] == ["Hi Priya,", "Cheers, Owen"]
    assert letter_furniture(split_sentences("Hello, I am writing about my order. Thanks, it arrived.")) == set()


@pytest.mark.integration
@pytest.mark.parametrize(("question", "context", "name"), [
    ("Who signed the letter?", OFFER, "Tomas Varga"), ("Who wrote this letter?", OFFER, "Tomas Varga"),
    ("From whom is this letter?", COMPLAINT, "Margaret Okafor"), ("Who wrote the complaint?", COMPLAINT,
                                                                   "Margaret Okafor"),
    ("Who sent the note?", NOTE, "Owen"), ("Who is the memo from?", MEMO, "Laura Chen")])
def test_who_signed_is_answered_with_the_signature(bundled_qa, qa_ctx, question: str, context: str, name: str) -> None:
    out = bundled_qa.predict({"text": question, "context": context}, qa_ctx)
    assert out.data["found"] is True and out.text.startswith(name) and out.data["answer"] == out.text
    assert "Dear" not in out.text and "Hi " not in out.text


@pytest.mark.integration
def test_the_closing_answers_no_other_question(bundled_qa, qa_ctx) -> None:
    """"What did Owen bring back?" found "Cheers, Owen" (it names Owen) over the sentence that says."""
    out = bundled_qa.predict({"text": "What did Owen bring back?", "context": NOTE}, qa_ctx)
    assert "Darjeeling" in (out.data["answer"] or out.data["closest"]) and "Cheers" not in out.text
