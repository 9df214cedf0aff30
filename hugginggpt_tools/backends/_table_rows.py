"""A table read as text, one sentence per row ("name: Bob Jones, city: Leeds, salary: 41000."; how
:func:`~hugginggpt_tools.documents.table_as_text` reads a CSV file), and the rows that a question which ranks
them asks for ("Which employee has the highest salary?"): what the extractive question answerer computes
where quoting the row closest in meaning would be a guess."""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

from ._answer_kinds import SUPERLATIVE_RE, content_stems, stems

_FIELD_RE = re.compile(r"(?:^|,\s+)([^\W\d_][^,:.]{0,39}?):\s+")
"""A field of a row read as text: its column's name and a colon ("salary: "), opening the row or after a comma."""
_NUMBER_RE = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_UNIT_RE = re.compile(r"^(?:[A-Z]{3}\s?|(?:US|A|C)?[$€£¥₹]\s?)|(?:\s?[$€£¥₹%]|\s?[A-Z]{3}|\s?(?:k|m|bn))$")
_MOST_RE = re.compile(r"\b(?:most|highest|largest|biggest|greatest|maximum|max|top|longest|heaviest|tallest|oldest|"
                      r"busiest|priciest|dearest)\b", re.I)
_LEAST_RE = re.compile(r"\b(?:least|lowest|smallest|fewest|minimum|min|shortest|lightest|youngest|cheapest|bottom)\b",
                       re.I)
_IMPLIED = ((re.compile(r"\b(?:cheapest|priciest|dearest|expensive)\b", re.I), re.compile(
    r"\b(?:price|cost|fee|amount|total|rate|fare)s?\b", re.I)), (re.compile(r"\b(?:oldest|youngest)\b", re.I),
                                                                 re.compile(r"\bage\b", re.I)))
"""Words that rank by a column they do not name: "cheapest" by a price, "oldest" by an age."""
_RANKED_BY_RE = re.compile(rf"(?:{_MOST_RE.pattern}|{_LEAST_RE.pattern})\s+(?:number of\s+|amount of\s+)?"
                           r"(?!(?:in|on|at|of|for|from|to|among|by|per|and|or|is|was|are|were|has|had|than|"
                           r"this|that|the|a|an|overall|ever)\b)[^\W\d_]{3,}", re.I)
"""A ranking word followed by what is ranked ("the most employees", "the highest salary"), not by a preposition
or the question's end ("who earns the most?", "the least in March")."""
ROWS_SHARE = 0.5
"""A text whose rows are at least this share of its sentences is a table: a question that ranks is asked of them."""


class RankedRows(NamedTuple):
    """What a question that ranks a table's rows comes to: the ``rows`` (indexes of sentences) first by
    ``field``, highest or lowest as ``most`` says; or, with no ``field``, ``reason`` says why none could be
    ranked (no rows are empty then)."""

    rows: list[int]
    field: str | None
    most: bool
    reason: str = ""


def row_fields(sentence: str) -> dict[str, str]:
    """The fields of ``sentence`` when it is a table's row read as text ("name: Bob Jones, city: Leeds, salary:
    41000." as {"name": "Bob Jones", ...}): two or more, the first opening it; else {}."""
    text = sentence.strip().removesuffix(".")
    marks = list(_FIELD_RE.finditer(text))
    if len(marks) < 2 or marks[0].start() != 0:
        return {}
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    return {mark.group(1).strip(): text[mark.end():end].strip() for mark, end in zip(marks, ends)}


def table_rows(sentences: list[str]) -> dict[int, dict[str, str]]:
    """The rows among ``sentences`` (:func:`row_fields`) by index: those with two or more of the fields that half
    the rows or more have (the table's header); {} when fewer than two."""
    rows = {k: fields for k, sentence in enumerate(sentences) if (fields := row_fields(sentence))}
    header = {name for name, count in Counter(name for fields in rows.values() for name in fields).items()
              if 2 * count >= len(rows)}
    rows = {k: fields for k, fields in rows.items() if len(header & fields.keys()) >= 2}
    return rows if len(rows) >= 2 else {}


def number(value: str) -> float | None:
    """``value`` as a number ("41000", "41,000", "$41,000.50", "12%", "EUR 300"), or None when it is not one
    (a name, a date, "2024-01-05")."""
    text = _UNIT_RE.sub("", value.strip()).strip()
    if not _NUMBER_RE.fullmatch(text):
        return None
    return float(text.replace(",", ""))


def _numeric_fields(rows: dict[int, dict[str, str]]) -> list[str]:
    """The fields that hold a number in every row that has them, two rows at least, in the header's order."""
    names = list(dict.fromkeys(name for fields in rows.values() for name in fields))
    return [name for name in names if sum(name in fields for fields in rows.values()) >= 2
            and all(number(fields[name]) is not None for fields in rows.values() if name in fields)]


def _ranked_field(question: str, numeric: list[str]) -> str | None:
    """The numeric field ``question`` ranks by: the one whose name shares the most words with it ("the highest
    salary", "sold the most units"), else the one a word implies ("cheapest": a price), else the only one, unless
    the question ranks by something it names that no field is ("the city with the most employees" counts rows)."""
    asked = stems(question)
    named = sorted(numeric, key=lambda name: -len(stems(name) & asked))
    if named and stems(named[0]) & asked:
        return named[0]
    for word, field in _IMPLIED:
        implied = [name for name in numeric if field.search(name)]
        if word.search(question) and len(implied) == 1:
            return implied[0]
    return numeric[0] if len(numeric) == 1 and not _RANKED_BY_RE.search(question) else None


def _filtered(question: str, rows: dict[int, dict[str, str]], field: str) -> list[int]:
    """The rows ``question`` picks out by a value of theirs before ranking ("which region sold the most units in
    February?": the February rows): those with every word of the question that some rows' text values have and
    others' do not (not a field's name, a question word or a word that ranks); all rows with ``field`` if none."""
    names = set().union(*(stems(name) for fields in rows.values() for name in fields))
    ranking = stems(" ".join(match.group() for match in SUPERLATIVE_RE.finditer(question)))
    wanted = content_stems(question) - names - ranking
    texts = {k: stems(" ".join(value for value in fields.values() if number(value) is None))
             for k, fields in rows.items() if field in fields}
    picks = {stem for stem in wanted if 0 < sum(stem in text for text in texts.values()) < len(texts)}
    if not picks:
        return list(texts)
    most = max(len(picks & text) for text in texts.values())
    return [k for k, text in texts.items() if len(picks & text) == most]


def _unranked(question: str, numeric: list[str], most: bool) -> str:
    """Why no rows of a table can be ranked as ``question`` asks, the ``numeric`` fields its rows hold named."""
    if not numeric:
        return "its rows hold no number to rank them by"
    ranked_by = _RANKED_BY_RE.search(question)
    if ranked_by:
        noun = ranked_by.group().split()[-1]
        return (f'no number column holds "{noun}" (its numbers: {", ".join(numeric)}), and rows are not counted or added '
                "up")
    return (f"its rows hold several numbers ({', '.join(numeric)}) and the question names none of them; name one "
            f'("the {"highest" if most else "lowest"} {numeric[-1]}")')


def ranked_rows(question: str, sentences: list[str]) -> RankedRows | None:
    """The rows of the table among ``sentences`` (:func:`table_rows`) first by the number ``question`` ranks them
    by ("Which employee has the highest salary?": the row with the largest salary; every row tied with it),
    among the rows it picks out by a value (:func:`_filtered`). A :class:`RankedRows` with a ``reason`` and no
    rows when the text is a table (its rows ``ROWS_SHARE`` of it or more) but no number can be ranked by (none,
    or several and the question names none); None when ``question`` does not rank highest or lowest, the text
    holds no table, or it is mostly prose and no column is named."""
    most, least = _MOST_RE.search(question), _LEAST_RE.search(question)
    rows = table_rows(sentences) if most or least else {}
    if not rows:
        return None
    wants_most = bool(most) and (not least or most.start() < least.start())
    numeric = _numeric_fields(rows)
    field = _ranked_field(question, numeric)
    if field is None:
        if len(rows) < ROWS_SHARE * len(sentences):
            return None
        return RankedRows([], None, wants_most, _unranked(question, numeric, wants_most))
    kept = _filtered(question, rows, field)
    values = {k: number(rows[k][field]) for k in kept}
    best = max(values.values()) if wants_most else min(values.values())
    return RankedRows([k for k in kept if values[k] == best], field, wants_most)


__all__ = ["ROWS_SHARE", "RankedRows", "number", "ranked_rows", "row_fields", "table_rows"]
