"""A question about a CSV table: the table is read as one sentence per row, each a paragraph of its
own, so the bundled question answerer quotes the rows that answer, not the whole table (the rows
ran together as one sentence: a line that goes on in lower case joins the one before)."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends.bundled_text import split_sentences
from hugginggpt_tools.inputs import table_as_text

TABLE = "month,region,sales\nJan,North,1200\nFeb,East,640\nMar,South,880\nMar,North,950\nApr,West,300\n"


def test_each_row_of_a_table_is_a_sentence() -> None:
    assert split_sentences(table_as_text(TABLE)) == [
        "month: Jan, region: North, sales: 1200.", "month: Feb, region: East, sales: 640.",
        "month: Mar, region: South, sales: 880.", "month: Mar, region: North, sales: 950.",
        "month: Apr, region: West, sales: 300."]


@pytest.mark.integration
def test_a_question_about_a_table_quotes_its_rows_not_the_table(bundled_qa, qa_ctx) -> None:
    out = bundled_qa.predict({"text": "What were the March sales for the South region?",
                              "context": table_as_text(TABLE)}, qa_ctx)
    assert "South, sales: 880" in out.text and "West" not in out.text and "East" not in out.text
