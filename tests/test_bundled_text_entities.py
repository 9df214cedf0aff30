"""Named entities found by their written form: phone numbers, e-mail addresses, URLs, dates and amounts
of money, merged with the spaCy model's entities ("find the phone numbers in call.wav's transcript")."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_text import merge_entities, pattern_entities


def found(text: str) -> list[tuple[str, str]]:
    return [(e["word"], e["entity"]) for e in pattern_entities(text)]


@pytest.mark.parametrize(("text", "entities"), [
    ("Call Priya on +44 20 7946 0958 or (555) 123-4567 today.",
     [("+44 20 7946 0958", "PHONE"), ("(555) 123-4567", "PHONE")]),
    ("Her mobile is 07700 900123, the office 020 7946 0000, Berlin +49 (0)30 1234567, Paris 01 23 45 67 89.",
     [("07700 900123", "PHONE"), ("020 7946 0000", "PHONE"), ("+49 (0)30 1234567", "PHONE"),
      ("01 23 45 67 89", "PHONE")]),
    ("Ring me at 555-0142 or dial 1-800-555-0199; tel. 0301234567; +1 (415) 555-2671.",
     [("555-0142", "PHONE"), ("1-800-555-0199", "PHONE"), ("0301234567", "PHONE"),
      ("+1 (415) 555-2671", "PHONE")]),
    ("Write to priya.nair@example.org or a.b+c@mail.co.uk.",
     [("priya.nair@example.org", "EMAIL"), ("a.b+c@mail.co.uk", "EMAIL")]),
    ("See https://example.com/docs?id=3, www.acme.co.uk. and (https://en.wikipedia.org/wiki/Foo_(bar)).",
     [("https://example.com/docs?id=3", "URL"), ("www.acme.co.uk", "URL"),
      ("https://en.wikipedia.org/wiki/Foo_(bar)", "URL")]),
    ("Due 14 March 2025, paid Monday, 3rd of May, on March 3, 2025, by 2024-11-05, 03/04/2025 or in June 2026.",
     [("14 March 2025", "DATE"), ("Monday, 3rd of May", "DATE"), ("March 3, 2025", "DATE"), ("2024-11-05", "DATE"),
      ("03/04/2025", "DATE"), ("June 2026", "DATE")]),
    ("A refund of $1,249.99 (about 1,150 EUR), then €45.50, 45,50 €, US$3.5m, EUR 300, 20 dollars and 15 cents.",
     [("$1,249.99", "MONEY"), ("1,150 EUR", "MONEY"), ("€45.50", "MONEY"), ("45,50 €", "MONEY"),
      ("US$3.5m", "MONEY"), ("EUR 300", "MONEY"), ("20 dollars", "MONEY"), ("15 cents", "MONEY")]),
])
def test_entities_found_by_their_written_form(text: str, entities: list[tuple[str, str]]) -> None:
    assert found(text) == entities
    assert all(text[e["start"]:e["end"]] == e["word"] and e["description"] for e in pattern_entities(text))


@pytest.mark.parametrize("text", [
    "Version 2.10.4 and v1.2.3 shipped; build 10.0.19045.2965 runs on 192.168.1.10.",
    "ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2 are in stock.",
    "We meet at 10:30 or 12:45:00, score 3-1, in 2019-2024, pi is 3.14159265 or 0.12345678.",
    "Order 1234567 has 1,200 units for 1.5 million people; the room is 020.",
    "IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, 123 456 7890.",
    "In May 5 people came; a 2024-13-45 typo; Q3 2025; the bag weighs 449 pounds.",
    "Call me at noon about the 3 items; file report.pdf; user@localhost; see example.com.",
])
def test_look_alikes_are_no_pattern_entities(text: str) -> None:
    assert found(text) == []


def test_a_phone_number_is_not_cut_out_of_a_url_or_a_date() -> None:
    assert found("https://x.org/call/+442079460958 on 2025-03-14") == [
        ("https://x.org/call/+442079460958", "URL"), ("2025-03-14", "DATE")]


def ent(word: str, label: str, start: int) -> dict[str, object]:
    return {"entity": label, "word": word, "start": start, "end": start + len(word), "description": label}


def test_pattern_entities_replace_the_models_overlapping_guesses() -> None:
    text = "Ana Ruiz: 07700 900123, next Monday, 3 March, for $45."
    model = [ent("Ana Ruiz", "PERSON", 0), ent("07700 900123", "DATE", 10), ent("next Monday, 3 March", "DATE", 24),
             ent("45", "MONEY", 50)]
    merged = merge_entities(model, pattern_entities(text))
    assert [(e["word"], e["entity"]) for e in merged] == [
        ("Ana Ruiz", "PERSON"), ("07700 900123", "PHONE"), ("next Monday, 3 March", "DATE"), ("$45", "MONEY")]
    assert merge_entities([], []) == [] and merge_entities(model[:1], []) == model[:1]


@pytest.fixture(scope="module")
def ner():
    from hugginggpt_tools.backends.bundled_text import SpacyNERModel
    from hugginggpt_tools.config import Settings

    model = SpacyNERModel(Settings(num_threads=1))
    model.load()
    return model


@pytest.mark.integration
def test_the_bundled_ner_finds_phone_numbers_emails_and_urls(ner, qa_ctx) -> None:
    text = ("Hi, this is Priya Nair from Brightline Analytics in London. Call me back on 07700 900123 or at the office "
            "on +44 20 7946 0958, or write to priya.nair@example.org. The invoice for $1,249.99 is due on 14 March "
            "2025; details are at https://brightline.example.com/invoices.")
    out = ner.predict({"text": text}, qa_ctx)
    got = {(e["word"], e["entity"]) for e in out.data}
    assert {("07700 900123", "PHONE"), ("+44 20 7946 0958", "PHONE"), ("priya.nair@example.org", "EMAIL"),
            ("https://brightline.example.com/invoices", "URL"), ("$1,249.99", "MONEY"), ("14 March 2025", "DATE"),
            ("London", "GPE")} <= got
    spans = sorted((e["start"], e["end"]) for e in out.data)
    assert all(end <= start for (_s, end), (start, _e) in zip(spans, spans[1:]))  # no overlaps
    assert all(text[e["start"]:e["end"]] == e["word"] for e in out.data)
    assert "07700 900123 (PHONE)" in out.text and set(out.data[0]) == {"entity", "word", "start", "end", "description"}
