"""The lines of a slide and the items of a list are items of their own in a summary: OCR of a slide ("Q3 Marketing
Review" over four bullets, which the OCR reads without their bullet signs) was summarized as "Website visits up 18%
year over year Social ads cost $42,000, under budget", items run together and the last ones dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._sentences import join_sentences, split_sentences
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_minilm import MiniLMExtractiveSummarizer
from hugginggpt_tools.config import Settings

BULLETS = ["Website visits up 18% year over year", "Social ads cost $42,000, under budget",
           "Email open rate fell to 21%", "Referral program launches in October"]
OCR_SLIDE = "Q3 Marketing Review\n\n" + "\n".join(BULLETS)
"""What the bundled OCR reads from the slide: its title, a blank line, the bullets without their signs."""


def _summary(text: str, tmp_path: Path) -> str:
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))  # a short list is its own summary: no embedding
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(num_threads=1), task="summarization")
    return model.predict({"text": text}, ctx).text


@pytest.mark.parametrize("sign", ["•", "-", "*", "▪", "✓"])
def test_bullet_lines_are_items_of_their_own(sign: str) -> None:
    slide = "Q3 Marketing Review\n" + "\n".join(f"{sign} {item}" for item in BULLETS)
    assert split_sentences(slide) == ["Q3 Marketing Review", *(f"{sign} {item}" for item in BULLETS)]
    packing = f"For the hike, bring\n{sign} sunscreen,\n{sign} a hat and\n{sign} two litres of water"
    assert split_sentences(packing) == ["For the hike, bring", f"{sign} sunscreen,", f"{sign} a hat and",
                                        f"{sign} two litres of water"]


@pytest.mark.parametrize("text", [OCR_SLIDE, "Q3 Marketing Review\n" + "\n".join(f"• {b}" for b in BULLETS),
                                  "Q3 Marketing Review\n" + "\n".join(f"{n}. {b}" for n, b in enumerate(BULLETS, 1))],
                         ids=["ocr", "bullets", "numbered"])
def test_a_slide_summary_keeps_every_item_on_its_own_line(text: str, tmp_path: Path) -> None:
    lines = _summary(text, tmp_path).splitlines()
    assert len(lines) == 5 and lines[0] == "Q3 Marketing Review", lines
    assert [line.lstrip("•0123456789. ") for line in lines[1:]] == BULLETS


def test_join_sentences_puts_items_on_lines_and_sentences_a_space_apart() -> None:
    assert join_sentences(["Revenue up 12%", "Churn down to 3.1%"]) == "Revenue up 12%\nChurn down to 3.1%"
    assert join_sentences(["The lanes open in May.", "They cost $14 million."]) == "The lanes open in May. They cost $14 million."
    assert join_sentences(["- Added dark mode.", "- Fixed a crash."]) == "- Added dark mode.\n- Fixed a crash."
    assert join_sentences(["Opening hours", "The museum opens at 9."]) == "Opening hours\nThe museum opens at 9."


def test_a_long_list_or_a_receipt_is_still_summarized_not_kept_whole() -> None:
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    receipt = ["CITY PHARMACY", "42 Harbour Road", "Receipt 00871", "12/09/2025 10:15", "IBUPROFEN 200MG 24 4.49",
               "SUNSCREEN SPF50 12.99", "PLASTERS 20PK 3.25", "SUBTOTAL 20.73", "TOTAL 18.73", "CASH 20.00"]
    assert not model.short_list(receipt)
    assert not model.short_list(["Q3 review", *(f"{item} and much more besides, all told" for item in BULLETS)])
    assert not model.short_list(["Q3 review", "Sales rose by a tenth.", "Costs fell."])
    assert model.short_list(["Q3 Marketing Review", *BULLETS])


@pytest.mark.integration
def test_a_length_asked_for_is_kept_for_a_slide(tmp_path: Path) -> None:
    model = MiniLMExtractiveSummarizer(Settings(num_threads=1))
    model.load()
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(num_threads=1), task="summarization",
                     request="Summarize the slide in two lines.")
    lines = model.predict({"text": OCR_SLIDE}, ctx).text.splitlines()
    assert len(lines) == 2 and set(lines) <= {"Q3 Marketing Review", *BULLETS}, lines


def test_a_sign_line_ending_on_via_or_than_goes_on_in_the_next() -> None:
    sign = "ROAD CLOSED\nMill Lane is closed\nfrom 4 to 15 August.\nDiversion via\nStation Road.\nBuses will not stop\nat Mill Lane."
    assert split_sentences(sign) == ["ROAD CLOSED", "Mill Lane is closed from 4 to 15 August.",
                                     "Diversion via Station Road.", "Buses will not stop at Mill Lane."]
