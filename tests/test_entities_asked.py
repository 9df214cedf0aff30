"""Entities of the kinds the request names ("list the people and dates", "pull out every email address
and phone number") and only those, each once; all of them when it names none."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends._entities import asked_entity_kinds, only_asked


@pytest.mark.parametrize(("request_text", "labels"), [
    ("list all the people and dates mentioned in meeting_notes.txt", {"PERSON", "DATE", "TIME"}),
    ("pull out every email address and phone number from email.txt", {"EMAIL", "PHONE"}),
    ("which companies are mentioned in report.txt?", {"ORG"}),
    ("find the cities and countries in trip.txt", {"GPE", "LOC", "FAC"}),
    ("extract all prices and URLs", {"MONEY", "URL"}),
    ("find the named entities in email.txt", None),
    ("tag the entities in people.txt", None),  # a file name names no kind
    # names are every proper name (a company's too: the README's example lost "Microsoft (ORG)")
    ("find the names and places in the transcript", {"PERSON", "ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART",
                                                     "FAC", "GPE", "LOC", "LAW", "LANGUAGE"}),
    ("list the people's names in notes.txt", {"PERSON"}),
    ("list the names of the people in notes.txt", {"PERSON"}),
    ("who is mentioned in the notes?", {"PERSON"}),
    ("extract all person and organization entities", {"PERSON", "ORG"}),
    # a kind word counts only as what an asking word asks for: not in the text given, nor after "the" alone
    ("Extract the named entities from this text: 'John Smith met the company CEO of Acme Corp in Paris on Monday.'",
     None),
    ("Find the people in: John met the company CEO in Paris.", {"PERSON"}),
    ("Find the entities in this article about the company merger", None),
    ("Summarize this article about the company merger", None),
    ("Give me a summary of last year's costs", None),
    ("Count how many times the report mentions money", None),
    ("Tell me how many times it mentions money", None),
])
def test_the_kinds_a_request_asks_for(request_text: str, labels: set[str] | None) -> None:
    asked = asked_entity_kinds(request_text)
    assert (asked[0] if asked else None) == labels


def test_only_the_kinds_asked_are_kept_each_once() -> None:
    def ent(word: str, label: str, start: int) -> dict[str, object]:
        return {"entity": label, "word": word, "start": start, "end": start + len(word)}

    found = [ent("Carlos", "PERSON", 0), ent("40%", "PERCENT", 10), ent("Aisha", "GPE", 20),
             ent("Carlos", "PERSON", 30), ent("Friday", "DATE", 40)]
    assert [e["word"] for e in only_asked(found, {"PERSON", "DATE", "TIME"})] == ["Carlos", "Friday"]


@pytest.fixture(scope="module")
def ner():
    pytest.importorskip("spacy")
    from hugginggpt_tools.backends.bundled_text import SpacyNERModel
    from hugginggpt_tools.config import Settings

    model = SpacyNERModel(Settings(num_threads=1))
    model.load()
    return model


EMAIL = ("From: Dana Reyes <dana.reyes@example.com>\nSubject: Shipment to Rotterdam\n\nHi Sam,\n\nThe container for "
         "Rotterdam leaves on March 12. The freight cost is $2,450. If anything changes, call me at +1 415 555 0132 "
         "or write to ops@portlogistics.nl.\n\nBest,\nDana Reyes\n")


@pytest.mark.integration
def test_the_ner_model_gives_the_kinds_the_request_names(ner, qa_ctx) -> None:
    qa_ctx.request = "pull out every email address and phone number from email.txt"
    out = ner.predict({"text": EMAIL}, qa_ctx)
    assert [(e["word"], e["entity"]) for e in out.data] == [
        ("dana.reyes@example.com", "EMAIL"), ("+1 415 555 0132", "PHONE"), ("ops@portlogistics.nl", "EMAIL")]
    qa_ctx.request = "list the people in email.txt"
    people = ner.predict({"text": EMAIL}, qa_ctx)
    assert {e["entity"] for e in people.data} == {"PERSON"}
    assert [e["word"] for e in people.data].count("Dana Reyes") == 1
    qa_ctx.request = "find the named entities in email.txt"
    assert {"MONEY", "EMAIL", "PHONE"} <= {e["entity"] for e in ner.predict({"text": EMAIL}, qa_ctx).data}


@pytest.mark.integration
def test_a_kind_word_inside_the_quoted_text_does_not_narrow_the_entities(ner, qa_ctx) -> None:
    text = "John Smith met the company CEO of Acme Corp in Paris on Monday."
    qa_ctx.request = f"Extract the named entities from this text: '{text}'"
    found = {(e["word"], e["entity"]) for e in ner.predict({"text": text}, qa_ctx).data}
    assert {("John Smith", "PERSON"), ("Acme Corp", "ORG"), ("Paris", "GPE")} <= found
