"""A full stop after a lone capital ends the sentence when an instruction or a common sentence opener
follows ("... behind building C. Do not use the lifts."), and is an initial inside a name otherwise."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_text import split_sentences


@pytest.mark.parametrize("text", [
    "In case of fire, gather behind building C. Do not use the lifts.",
    "Visitors park in lot B. Please show your badge at the gate.",
    "Report to room D. Don't be late, the bus leaves at nine.",
    "Meet at gate F. Don’t bring large bags.",
    "The meeting moved to wing A. Note that the east stairs are closed.",
    "Deliveries go to dock E. Call the front desk when you arrive.",
    "Our first choice was option A. However, it cost too much.",
])
def test_an_instruction_or_opener_after_a_lone_capital_starts_a_sentence(text: str) -> None:
    first, second = text.split(". ", 1)
    assert split_sentences(text) == [first + ".", second]


def test_initials_in_names_still_join() -> None:
    assert split_sentences("Michael J. Fox starred in it. Mary J. Blige sang.") == [
        "Michael J. Fox starred in it.", "Mary J. Blige sang."]
    assert split_sentences("Letters went to J. Donovan and the board.") == [
        "Letters went to J. Donovan and the board."]
    # a contraction of an opener splits as its opener does: "It's" as "It"
    assert split_sentences("We fell back on plan B. It's slower but safe.") == [
        "We fell back on plan B.", "It's slower but safe."]
