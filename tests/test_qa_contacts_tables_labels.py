"""The extractive answerer answers questions it declined: a phone number asked for ("whats the phone
number?") is found in the passage that holds one; a table's row that names the field asked for ("region:
South" for "which region ...?") holds a place; a label line of a note read by OCR is quoted with the value
on the line under it ("Dentist appointment" / "Tuesday 3:30 pm"); a receipt's line that answers is quoted
alone."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_minilm import asked_kinds, can_hold

EMAIL = ("Hi Sam,\n\nThe container for Rotterdam leaves on March 12. The freight cost is $2,450 and customs will take "
         "about 3 days. Please confirm with the port office at ops@portlogistics.nl. If anything changes, call me "
         "at +1 415 555 0132 or my office line (415) 555-0199.\n\nBest,\nDana")
SALES = ("month: January, region: North, units: 120. month: January, region: South, units: 95. month: February, "
         "region: North, units: 110. month: February, region: South, units: 140. month: March, region: North, "
         "units: 130.")
NOTE = "Shopping list:\n- milk, eggs, bread\n- 2 apples\nDentist appointment\nTuesday 3:30 pm\nCall mum on Sunday"
RECEIPT = ("GREEN VALLEY MARKET\n123 Oak Street\n\nBananas 2.49\nMilk 1L 3.19\nBread 4.50\n\nSUBTOTAL 17.50\n"
           "Tax 8% 1.40\nTOTAL $18.90\n\nTHANK YOU!")


def test_contact_kinds_are_asked_for_and_held() -> None:
    assert asked_kinds("whats the phone number in email.txt") == {"phone"}
    assert asked_kinds("What is the port office's email address?") == {"email"}
    assert asked_kinds("what's the tracking link?") == {"link"}
    assert asked_kinds("What did the email say about customs?") == set()
    assert can_hold("phone", "", "call me at +1 415 555 0132") and not can_hold("phone", "", "it costs $2,450")
    assert can_hold("place", "which region sold the most?", "month: February, region: South, units: 140")


@pytest.mark.parametrize("passage", ["Maria joins us on 12/03/2024.", "The invoice of 2024-01-15 is paid.",
                                     "The workshop runs 10.30 - 11.45.", "Locker 4481 2290 is hers.",
                                     "Call between 10.30 - 11.45 on 12/03/2024."])
def test_a_date_a_time_or_a_bare_reference_is_no_phone_number(passage: str) -> None:
    assert not can_hold("phone", "What is Maria's phone number?", passage)


@pytest.mark.parametrize("passage", ["call me at +1 415 555 0132", "my office line (415) 555-0199",
                                     "Phone: 555-0142", "Mobile: 4481 2290", "Tel 020 7946 0958"])
def test_a_phone_number_is_held(passage: str) -> None:
    assert can_hold("phone", "What is Maria's phone number?", passage)


@pytest.mark.parametrize(("question", "kinds"), [
    ("Does he work no more?", set()), ("The mobile no longer works, does it?", set()),
    ("What's her work no.?", {"phone"}), ("what is his phone no?", {"phone"}), ("what's the office number?", {"phone"}),
])
def test_a_phone_number_is_asked_for_by_its_name_only(question: str, kinds: set[str]) -> None:
    assert asked_kinds(question) == kinds


MEMO = ("Memo 12/03/2024\n\nMaria will present the budget review on 2024-01-15. The workshop runs 10.30 - 11.45 in "
        "the large meeting room.\n\nThe catering order must be in by Friday.")


@pytest.mark.integration
def test_a_phone_number_question_over_dates_and_times_is_declined(bundled_qa, qa_ctx) -> None:
    out = bundled_qa.predict({"text": "What is Maria's phone number in memo.txt?", "context": MEMO}, qa_ctx)
    assert not out.data["found"], out.text


@pytest.mark.integration
@pytest.mark.parametrize(("question", "context", "expected"), [
    ("whats the phone number in email.txt", EMAIL, "+1 415 555 0132"),
    ("which region sold the most units in february?", SALES, "region: South, units: 140"),
    ("when is the dentist appointment on note.png?", NOTE, "Dentist appointment Tuesday 3:30 pm"),
    ("What is the total on receipt.jpg?", RECEIPT, "TOTAL $18.90"),
    ("how much tax i paid", RECEIPT, "Tax 8% 1.40"),
])
def test_answerable_questions_are_answered(bundled_qa, qa_ctx, question: str, context: str, expected: str) -> None:
    out = bundled_qa.predict({"text": question, "context": context}, qa_ctx)
    assert out.data["found"], out.text
    assert expected in out.text


@pytest.mark.integration
def test_a_receipt_question_quotes_its_line_not_the_receipt(bundled_qa, qa_ctx) -> None:
    out = bundled_qa.predict({"text": "What is the total?", "context": RECEIPT}, qa_ctx)
    assert out.text == "TOTAL $18.90"
