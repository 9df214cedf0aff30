"""The extractive answerer holds a passage to the narrower kind of answer a question asks for, and picks
or declines accordingly: a time of day for "What time ...?" (not "OPEN DAILY"), an amount of money for
"How much does it cost?", a month, day or year for "Which month/day/year ...?" (not a mere list of them
when the question asks which ranks first), an age for "How old ...?", a number that counts for "How many
...?" (not the number of a date or an address). A passage that shares the question's own words ("launch
date") wins over one that only holds a date. A question that counts the text itself ("how many words are
in story.txt") is declined, saying why; one that asks for a table's highest or lowest row is computed from
the rows read as fields."""

from __future__ import annotations

import pytest

from hugginggpt_tools.backends._answer_kinds import content_stems, counts_text
from hugginggpt_tools.backends._table_rows import number, ranked_rows, row_fields, table_rows
from hugginggpt_tools.backends.bundled_minilm import asked_kinds, can_hold
from hugginggpt_tools.documents import table_as_text


def _holds(question: str, passage: str) -> bool:
    return any(can_hold(kind, question, passage) for kind in asked_kinds(question))


@pytest.mark.parametrize(("question", "passage", "holds"), [
    ("What time does the pharmacy open?", "CITY PHARMACY OPEN DAILY", False),
    ("What time does the pharmacy open?", "Counter service from 8.30 am to 7 pm", True),
    ("What time does the ferry leave?", "The 7.45 ferry to Arran leaves from pier 2.", True),
    ("What time is the rehearsal?", "The rehearsal is at four in the church hall.", True),
    ("What time is the rehearsal?", "The rehearsal is every week in the church hall.", False),
    ("When does the pharmacy open?", "CITY PHARMACY OPEN DAILY", False),
    ("When will the road reopen?", "The road stays closed until the bridge is repaired.", True),
    ("When does the museum close?", "The museum closes early on Sundays.", True),
    ("Which month had the most visitors?", "Visitor numbers 2023", False),
    ("Which month had the most visitors?", "Jan Feb Mar Apr May", False),
    ("Which month had the most visitors?", "Visitors peaked in August at 9,100.", True),
    ("In which month is the harvest festival?", "The harvest festival is held every September.", True),
    ("Which day is bin collection?", "Bins are collected every Thursday morning.", True),
    ("Which day is bin collection?", "Bins must be left at the kerb.", False),
    ("What year did the mill close?", "The mill closed in 1968 after a fire.", True),
    ("What year did the mill close?", "The mill closed on 3 March after a fire.", False),
])
def test_dates_and_times_of_the_kind_asked(question: str, passage: str, holds: bool) -> None:
    assert _holds(question, passage) is holds


@pytest.mark.parametrize(("question", "passage", "holds"), [
    ("How much does a pastry cost?", "CITY BAKERY OPEN DAILY Fresh bread from 7 am to 6 pm", False),
    ("How much does a pastry cost?", "Pastries are 2.20 each.", True),
    ("What does a day pass cost?", "A day pass costs 15 and a week pass 60.", True),
    ("What is the price of the tour?", "The tour takes three hours and leaves at 10 am.", False),
    ("What is the price of the tour?", "The tour is 25 euros per person.", True),
    ("How much are the raffle tickets?", "The raffle is drawn on Friday 4 July at 3 p.m.", False),
    ("How much is the car park?", "The car park is free after 6 pm.", True),
    ("How many nurses work on the ward?", "The ward moved to 22 Hill Road on Friday, 9 May.", False),
    ("How many nurses work on the ward?", "Eleven nurses and two doctors work on the ward.", True),
    ("How many guests came?", "The wedding was held in 2015 at the castle.", False),
    ("How many guests came?", "About 2000 guests came over the weekend.", True),
    ("How old is Priya?", "Priya is 34 and teaches chemistry.", True),
    ("How old is Priya?", "Priya has taught chemistry for twelve years.", False),
    ("How old is the chapel?", "The chapel was built in 1320 by local masons.", True),
])
def test_amounts_of_the_kind_asked(question: str, passage: str, holds: bool) -> None:
    assert _holds(question, passage) is holds


@pytest.mark.parametrize(("question", "counted"), [
    ("how many words are in essay.txt", "words"),
    ("How many lines does the poem have?", "lines"),
    ("how many sentences?", "sentences"),
    ("what is the word count of report.docx", "words"),
    ("How many times does the word 'river' appear in it?", "times a word appears"),
    ("How many characters are in this message?", "characters"),
    ("How many characters are in the play?", None),
    ("How many words did the parrot learn?", None),
    ("How many letters did she send?", None),
    ("How many people came?", None),
])
def test_a_question_that_counts_the_text_itself(question: str, counted: str | None) -> None:
    assert counts_text(question) == counted


STAFF = table_as_text("name,city,team,pay\nAnna Berg,Oslo,Design,52000\nTom Field,Leeds,Support,\"38,000\"\n"
                      "Mia Chen,Paris,Design,67000\nLuis Ortega,Madrid,Sales,45500\n").split("\n\n")
SHOP = table_as_text("product,category,price,stock\nKettle,Kitchen,29.99,14\nToaster,Kitchen,24.50,3\n"
                     "Lamp,Living,45.00,8\nDesk fan,Living,19.99,21\n").split("\n\n")


def test_a_row_read_as_fields() -> None:
    assert row_fields("name: Tom Field, city: Leeds, team: Support, pay: 38,000.") == {
        "name": "Tom Field", "city": "Leeds", "team": "Support", "pay": "38,000"}
    assert row_fields("The meeting: moved to Friday.") == {}
    assert sorted(table_rows(["Sales by region.", *STAFF])) == [1, 2, 3, 4]
    assert [number(value) for value in ("41,000", "$1,249.50", "12%", "EUR 300", "Leeds", "2024-01-05")] == [
        41000.0, 1249.5, 12.0, 300.0, None, None]


@pytest.mark.parametrize(("question", "rows", "field"), [
    ("Which employee has the highest pay?", STAFF, ([2], "pay")),
    ("who earns the least?", STAFF, ([1], "pay")),
    ("who in Design earns the least?", STAFF, ([0], "pay")),
    ("which product is the cheapest?", SHOP, ([3], "price")),
    ("which kitchen product has the most stock?", SHOP, ([0], "stock")),
    ("what is the most expensive item?", SHOP, ([2], "price")),
])
def test_the_row_a_ranking_question_asks_for(question: str, rows: list[str], field: tuple) -> None:
    ranked = ranked_rows(question, rows)
    assert (ranked.rows, ranked.field) == field


@pytest.mark.parametrize(("question", "rows", "reason"), [
    ("which city has the most employees?", STAFF, 'no number column holds "employees"'),
    ("which product comes out on top?", SHOP, "several numbers (price, stock)"),
])
def test_a_ranking_question_no_column_answers_is_declined(question: str, rows: list[str], reason: str) -> None:
    ranked = ranked_rows(question, rows)
    assert ranked.rows == [] and reason in ranked.reason


def test_a_question_that_ranks_nothing_or_no_table_is_left_to_the_passages() -> None:
    assert ranked_rows("which team does Mia Chen work in?", STAFF) is None
    assert ranked_rows("who earns the most?", ["Anna earns the most.", "Tom earns less."]) is None


SIGN = "CITY PHARMACY OPEN DAILY\nCounter service from 8.30 am to 7 pm"
CHART = "Visitor numbers 2023\nJan Feb Mar Apr May Jun\n900\n600\n300\n0"
MINUTES = ("Minutes of the product meeting\n\nPresent: Sara, Jon, Mei and Karim.\n\nAfter a long discussion about "
           "supplier delays, the cost of the new casing and the results of the beta survey, the group agreed to move "
           "the launch date to 15 May and to hire two contractors for testing. Jon will update the website copy. "
           "The next meeting is on 10 March.")
CLINIC = ("The Northside physiotherapy practice moves to 8 Quarry Road on Tuesday, 1 July. Patients keep their "
          "appointments. The practice was founded by Dr. Ruth Ames.")
POEM = ("The tide came in across the sand. The gulls rose up and wheeled away. A boy stood watching from the "
        "dune. He did not move until the end of day.")


@pytest.mark.integration
@pytest.mark.parametrize(("question", "context", "expected"), [
    ("what time does the pharmacy open?", SIGN, "8.30 am"),
    ("when is the launch date?", MINUTES, "launch date to 15 May"),
    ("when is the next meeting?", MINUTES, "10 March"),
    ("which employee has the highest pay?", "\n\n".join(STAFF), "name: Mia Chen"),
    ("what is the cheapest item?", "\n\n".join(SHOP), "product: Desk fan"),
])
def test_the_passage_of_the_kind_asked_is_the_answer(bundled_qa, qa_ctx, question: str, context: str,
                                                     expected: str) -> None:
    out = bundled_qa.predict({"text": question, "context": context}, qa_ctx)
    assert out.data["found"], out.text
    assert expected in out.text


@pytest.mark.integration
def test_a_ranked_row_is_quoted_alone(bundled_qa, qa_ctx) -> None:
    out = bundled_qa.predict({"text": "which employee has the highest pay?", "context": "\n\n".join(STAFF)}, qa_ctx)
    assert out.text == STAFF[2] and out.data["by"] == "table" and out.data["field"] == "pay"


@pytest.mark.integration
@pytest.mark.parametrize(("question", "context", "lacks"), [
    ("how much does a cough syrup cost?", SIGN, "price"),
    ("which month had the most visitors?", CHART, "month"),
    ("How many physiotherapists work at the practice?", CLINIC, "count"),
])
def test_no_passage_of_the_kind_asked_is_declined(bundled_qa, qa_ctx, question: str, context: str,
                                                 lacks: str) -> None:
    out = bundled_qa.predict({"text": question, "context": context}, qa_ctx)
    assert not out.data["found"] and out.data["answer"] == "" and out.data["lacks"] == lacks, out.text
    assert out.text.startswith(f'no passage of the text answers "{question}"')


@pytest.mark.integration
@pytest.mark.parametrize(("question", "context", "reason"), [
    ("how many words are in poem.txt", POEM, "the number of words in the text itself"),
    ("how many lines does the poem have?", POEM, "the number of lines in the text itself"),
    ("which city has the most employees?", "\n\n".join(STAFF), 'no number column holds "employees"'),
])
def test_what_quoting_cannot_answer_is_declined_saying_why(bundled_qa, qa_ctx, question: str, context: str,
                                                           reason: str) -> None:
    out = bundled_qa.predict({"text": question, "context": context}, qa_ctx)
    assert not out.data["found"] and out.data["answer"] == "" and reason in out.data["reason"]
    assert out.text.startswith(f'no passage of the text answers "{question}": ') and reason in out.text


def test_any_currency_the_entity_finder_knows_is_an_amount() -> None:
    """The price check kept 12 of the entity finder's 24 currency codes: "NZD 40" was no amount."""
    for passage in ("Adult tickets NZD 40 each.", "Adult tickets 40 CZK each.", "Entry is HK$ 30."):
        assert _holds("How much does the ticket cost?", passage), passage


def test_question_words_are_left_out_of_what_is_looked_for_once_stemmed() -> None:
    """"this", "does", "anything" were cut to stems the question-word list did not hold, so a passage
    holding "this" ranked higher."""
    assert content_stems("What does this anything anyone mean?") == {"mean"}
