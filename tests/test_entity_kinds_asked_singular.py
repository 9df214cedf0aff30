"""A request that asks for one entity, or asks as a question ("What is the phone number on sign.png?",
"what's her email", "where is the address"), names the kinds it wants as "list the phone numbers" does:
only those are given, not every entity of the text."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends._entities import asked_entity_kinds

_NAMES = {"PERSON", "ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "FAC", "GPE", "LOC", "LAW", "LANGUAGE"}


@pytest.mark.parametrize(("request_text", "labels"), [
    ("What is the phone number on sign.png?", {"PHONE"}),
    ("what's her email in note.txt?", {"EMAIL"}),
    ("what’s his phone number", {"PHONE"}),
    ("which date is mentioned in note.txt?", {"DATE", "TIME"}),
    ("who is the person named in note.txt?", {"PERSON"}),
    ("where is the address in letter.txt?", {"FAC", "GPE", "LOC"}),
    ("What are the dates in notes.txt?", {"DATE", "TIME"}),
    ("What was the price on receipt.png?", {"MONEY"}),
    ("where is the venue?", {"FAC", "GPE", "LOC"}),
    ("Which is the deadline?", {"DATE", "TIME"}),
    ("What is the company name in memo.txt?", {"ORG"}),
    ("list the city names in trip.txt", {"GPE", "LOC", "FAC"}),
    ("what is the name on sign.png?", _NAMES),
    ("what is the web address in the mail?", {"URL"}),
    ("find the email address in mail.txt", {"EMAIL"}),
])
def test_a_singular_or_question_form_names_the_kind(request_text: str, labels: set[str]) -> None:
    asked = asked_entity_kinds(request_text)
    assert asked is not None and asked[0] == labels


@pytest.mark.parametrize("request_text", [
    # the words of a quoted text, or of one after a colon, are what the text says, not what is asked
    'Extract the named entities from this text: "What is the phone number of John?"',
    'Find the entities in "What is the phone number of John?"',
    "Tag the entities in: where is the address of Acme Corp?",
    # a question about something else names no kind
    "What is this article about the company merger about?",
    "what is the sentiment of the review about prices",
    "Who wrote the text about dates?",
    "when is the meeting in notes.txt?",
])
def test_a_question_that_names_no_kind_asks_for_all(request_text: str) -> None:
    assert asked_entity_kinds(request_text) is None


@pytest.mark.integration
def test_the_phone_number_on_a_sign_is_the_only_entity_given(qa_ctx) -> None:
    pytest.importorskip("spacy")
    from hugginggpt_tools.backends.bundled_text import SpacyNERModel
    from hugginggpt_tools.config import Settings

    ner = SpacyNERModel(Settings(num_threads=1))
    ner.load()
    qa_ctx.request = "What is the phone number on sign.png?"
    out = ner.predict({"text": "PARKING CLOSED ON SUNDAY\nCall 555-0199 for permits\nMaria Lopez, City Office"}, qa_ctx)
    assert [(e["word"], e["entity"]) for e in out.data] == [("555-0199", "PHONE")]
    assert out.text == "555-0199 (PHONE)"
