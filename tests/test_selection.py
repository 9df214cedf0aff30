"""Selection: rank runnable models per task and choose the best."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import REPO_DIR
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import ModelCard, Plan, Ref, Task, TextTemplate
from hugginggpt_tools.selection import rank_candidates, select_models, task_query
from hugginggpt_tools.testing import SubsetBackend


def _card(model_id: str, task: str, description: str, downloads: int, backends=("local", "remote")) -> ModelCard:
    return ModelCard(id=model_id, task=task, description=description, downloads=downloads, backends=list(backends))


CARDS = [
    _card("ocr/receipts", "image-to-text", "ocr reads printed text on receipts invoices", 1_000),
    _card("ocr/handwriting", "image-to-text", "ocr reads handwritten notes", 10),
    _card("cap/photos", "image-to-text", "caption describe the photo scene people", 100_000),
    _card("cap/tiny", "image-to-text", "caption describe the photo", 0),
    _card("tts/voice", "text-to-speech", "speak text aloud voice", 50),
    _card("sum/news", "summarization", "summarize news", 5),
]


def backends(local: set[str], remote: set[str] = frozenset()) -> Backends:
    return Backends([
        SubsetBackend(local, "local", "put the weights in a local folder"),
        SubsetBackend(remote, "remote", "set HF_TOKEN"),
    ])


@pytest.fixture
def index(embedder: HashEmbedder) -> ModelIndex:
    return ModelIndex.build(CARDS, embedder)


def _task(task: str, task_id: int = 0, **args) -> Task:
    return Task(id=task_id, task=task, args=args)


def _expected_scores(index: ModelIndex, query: str, task: str, weight: float) -> dict[str, float]:
    """Score of every card of ``task``, computed from the definition."""
    vector = index.embed_queries([query])[0]
    cards = index.cards_for_task(task)
    top = max(c.downloads for c in cards)
    vectors = index.embed_queries([c.embedding_text() for c in cards])
    return {c.id: float(vector @ v) + weight * math.log10(1 + c.downloads) / math.log10(1 + top)
            for c, v in zip(cards, vectors)}


def test_rank_candidates_returns_only_runnable_in_score_order(index):
    task = _task("image-to-text")
    query = task_query(task, "ocr the receipt")
    vector = index.embed_queries([query])[0]
    runnable = {"ocr/receipts", "cap/photos", "cap/tiny"}
    ranked = rank_candidates(task, vector, index, backends(runnable), top_k=10)
    assert {c.model_id for c in ranked} == runnable
    expected = _expected_scores(index, query, "image-to-text", 0.15)
    assert [c.model_id for c in ranked] == sorted(runnable, key=lambda m: (-expected[m], m))
    for c in ranked:
        assert c.backend == "local" and c.score == pytest.approx(expected[c.model_id], abs=1e-5)
        assert c.score == pytest.approx(c.similarity + c.popularity)
    assert rank_candidates(task, vector, index, backends(runnable), top_k=2) == ranked[:2]


def test_popularity_is_log_downloads_relative_to_the_task_maximum(index):
    task = _task("image-to-text")
    vector = index.embed_queries(["x"])[0]
    everything = {c.id for c in CARDS}
    ranked = {c.model_id: c for c in rank_candidates(task, vector, index, backends(everything), top_k=10,
                                                      popularity_weight=0.5)}
    assert ranked["cap/photos"].popularity == pytest.approx(0.5)
    assert ranked["cap/tiny"].popularity == 0.0
    assert ranked["ocr/receipts"].popularity == pytest.approx(0.5 * math.log10(1001) / math.log10(100_001))


def test_popularity_ignores_which_cards_can_run(index):
    """The maximum is over all the task's cards, so a runnable card's score does not depend on the others."""
    task = _task("image-to-text")
    vector = index.embed_queries(["ocr"])[0]
    alone = rank_candidates(task, vector, index, backends({"ocr/receipts"}))
    with_all = rank_candidates(task, vector, index, backends({c.id for c in CARDS}), top_k=10)
    assert alone[0].score == pytest.approx(next(c.score for c in with_all if c.model_id == "ocr/receipts"))


def test_ties_are_broken_by_id(embedder):
    twins = [_card(f"twin/{n}", "summarization", "same words", 7) for n in ("b", "c", "a")]
    twin_index = ModelIndex.build(twins, embedder)
    vector = twin_index.embed_queries(["same words"])[0]
    ranked = rank_candidates(_task("summarization"), vector, twin_index, backends({c.id for c in twins}))
    assert [c.model_id for c in ranked] == ["twin/a", "twin/b", "twin/c"]


def test_backend_order_follows_the_card(index):
    task = _task("image-to-text")
    vector = index.embed_queries(["receipt"])[0]
    ranked = rank_candidates(task, vector, index, backends({"cap/tiny"}, remote={"ocr/receipts", "cap/tiny"}))
    assert {c.model_id: c.backend for c in ranked} == {"cap/tiny": "local", "ocr/receipts": "remote"}


def test_task_query_has_type_literal_text_and_request():
    task = Task(id=1, task="translation", dep=[0], args={
        "text": Ref(task_id=0), "target_language": "German",
        "source_language": TextTemplate(parts=["same as ", Ref(task_id=0)]),
    })
    query = task_query(task, "Translate the caption into German")
    assert query.startswith("translation")
    assert "German" in query and "same as" in query and "Translate the caption into German" in query
    assert "<resource>" not in query
    image_task = _task("image-to-text", image="holiday.png")
    assert "holiday.png" not in task_query(image_task, "describe the photo")
    assert task_query(image_task, "") == "image-to-text. " + "Turn an image into text: read the text in it " \
        "(OCR) or write a caption describing it."


def test_ocr_and_caption_requests_pick_different_models(index):
    plan = Plan(tasks=[_task("image-to-text", 0, image="a.png"), _task("image-to-text", 1, image="b.png")])
    everything = backends({c.id for c in CARDS})
    ocr = select_models(Plan(tasks=plan.tasks[:1]), "ocr the printed text on the receipt", index, everything)
    caption = select_models(Plan(tasks=plan.tasks[1:]), "describe the photo scene", index, everything)
    assert ocr[0].model_id == "ocr/receipts" and caption[0].model_id == "cap/photos"


def test_select_models_embeds_once_and_keeps_ranked_candidates(index, embedder):
    plan = Plan(tasks=[_task("image-to-text", 0, image="a.png"), _task("text-to-speech", 1, text=Ref(task_id=0)),
                       _task("summarization", 2, text="long text")])
    calls_before = len(embedder.calls)
    runnable = backends({"ocr/receipts", "ocr/handwriting", "cap/tiny", "tts/voice", "sum/news"})
    choices = select_models(plan, "read the receipt aloud", index, runnable, top_k=2)
    assert len(embedder.calls) == calls_before + 1 and len(embedder.calls[-1]) == 3
    assert [c.task_id for c in choices] == [0, 1, 2]
    first = choices[0]
    assert first.model_id == first.candidates[0].model_id and first.backend == "local"
    assert len(first.candidates) == 2 and first.chosen is first.candidates[0]
    assert re.fullmatch(r"best of 3 runnable candidates: similarity -?\d\.\d\d \+ popularity \d\.\d\d", first.reason)
    assert choices[1].model_id == "tts/voice" and choices[1].reason.startswith("best of 1 runnable candidate: ")


def test_a_last_resort_card_ranks_after_every_other_runnable_one(embedder):
    from hugginggpt_tools.selection import LAST_RESORT_TAG

    quoter = _card("sum/quotes", "summarization", "summarize news summarize", 10**6)
    quoter = quoter.model_copy(update={"tags": ["summarization", LAST_RESORT_TAG]})
    tagged = ModelIndex.build([quoter, _card("sum/writer", "summarization", "poems", 0)], embedder)
    plan = Plan(tasks=[_task("summarization", text="long text")])
    both = select_models(plan, "summarize the news", tagged, backends({"sum/quotes", "sum/writer"}))[0]
    assert [c.model_id for c in both.candidates] == ["sum/writer", "sum/quotes"]
    # alone, it is chosen; without the tag, the more similar and popular card would come first
    assert select_models(plan, "summarize the news", tagged, backends({"sum/quotes"}))[0].model_id == "sum/quotes"
    untagged = quoter.model_copy(update={"tags": ["summarization"]})
    index = ModelIndex.build([untagged, _card("sum/writer", "summarization", "poems", 0)], embedder)
    assert select_models(plan, "summarize the news", index, backends({"sum/quotes", "sum/writer"}))[0].model_id == \
        "sum/quotes"


def test_nothing_runnable_says_how_many_cards_and_the_fixes(index):
    plan = Plan(tasks=[_task("image-to-text", 0, image="a.png"), _task("text-to-video", 1, text="a cat")])
    choices = select_models(plan, "read it", index, backends(set()))
    blocked, absent = choices
    assert blocked.model_id is None and blocked.backend is None and blocked.candidates == []
    assert blocked.reason == ("no runnable model for image-to-text: 4 catalog models, none can run now "
                              "(local: put the weights in a local folder of cap/photos; remote: set HF_TOKEN of "
                              "cap/photos)")
    assert absent.model_id is None and "no model for this task type" in absent.reason


def test_the_fixes_name_each_backend_once_and_how_to_configure_the_llm(embedder):
    """A task with many models says why per backend, from its best-ranked card, not per model;
    an unconfigured controller LLM comes with the option that configures it."""
    cards = [_card(f"mt/opus-{i}", "translation", f"translate text model {i}", 10 - i) for i in range(6)]
    cards.append(_card("controller-llm", "translation", "the controller chat model translates", 0, backends=("llm",)))
    catalog = ModelIndex.build(cards, embedder)
    reason = select_models(Plan(tasks=[_task("translation")]), "translate", catalog, backends(set()))[0].reason
    assert reason.count("local:") == 1 and reason.count("remote:") == 1
    assert "llm: not configured; to enable it, pass a chat model: hugginggpt run --llm provider:model" in reason
    assert reason.startswith("no runnable model for translation: 7 catalog models, none can run now (")


def test_unconfigured_backend_is_named(index):
    only_remote = Backends([SubsetBackend(set(), "remote", "set HF_TOKEN")])
    choice = select_models(Plan(tasks=[_task("summarization")]), "sum", index, only_remote)[0]
    assert "local: not configured" in choice.reason and "remote: set HF_TOKEN" in choice.reason


def test_empty_plan_and_bad_top_k(index, embedder):
    calls_before = len(embedder.calls)
    assert select_models(Plan(tasks=[]), "hi", index, backends(set())) == []
    assert len(embedder.calls) == calls_before
    with pytest.raises(ConfigError, match="top_k"):
        select_models(Plan(tasks=[_task("summarization")]), "hi", index, backends(set()), top_k=0)


@pytest.mark.integration
def test_real_index_picks_ocr_and_captioner_for_different_requests():
    """On the shipped index with the real MiniLM: same task type, different needs, different models."""
    shipped = ModelIndex.load(REPO_DIR / "indexes" / "default")
    jarvis = {c.id for c in shipped.cards_for_task("image-to-text") if c.source == "jarvis-p0"}
    runnable = Backends([SubsetBackend(jarvis, "transformers", "no weights")])
    plan = Plan(tasks=[_task("image-to-text", 0, image="r.png"), _task("image-to-text", 1, image="p.jpg")])
    ocr = select_models(Plan(tasks=plan.tasks[:1]), "OCR the receipt", shipped, runnable)[0]
    caption = select_models(Plan(tasks=plan.tasks[1:]), "describe the photo", shipped, runnable)[0]
    assert ocr.model_id != caption.model_id
    ocr_card, caption_card = ocr.chosen.card, caption.chosen.card
    assert "ocr" in (ocr_card.id + ocr_card.description).lower()
    assert "caption" in (caption_card.id + caption_card.description).lower()
    assert "caption" not in ocr_card.id.lower() and "ocr" not in caption_card.id.lower()
    assert np.isfinite([c.score for c in ocr.candidates]).all()


@pytest.mark.parametrize(("task", "args", "expected"), [
    ("document-question-answering", {"image": "inv.png", "text": "What is the total?"}, "image-to-text"),
    ("visual-question-answering", {"image": "p.jpg", "text": "How many faces are there?"}, "object-detection"),
    ("visual-question-answering", {"image": "p.jpg", "text": "What does the sign say?"}, "image-to-text"),
    ("visual-question-answering", {"image": "p.jpg", "text": "What color is the car?"}, None),
    ("summarization", {"text": "long"}, None),
])
def test_a_stand_in_is_a_task_whose_output_holds_the_answer(task, args, expected):
    from hugginggpt_tools.selection import stand_in

    found = stand_in(_task(task, 3, **args))
    assert (found and found.task) == expected
    if found is not None:
        assert found.id == 3 and found.args == {"image": args["image"]}


def test_stand_ins_replace_only_tasks_nothing_can_run_and_say_so(embedder):
    from hugginggpt_tools.selection import stand_ins

    cards = [_card("doc/qa", "document-question-answering", "answer questions about documents", 5),
             _card("ocr/receipts", "image-to-text", "ocr reads printed text", 5),
             _card("sum/news", "summarization", "summarize news", 5)]
    catalog = ModelIndex.build(cards, embedder)
    plan = Plan(tasks=[_task("document-question-answering", 0, image="inv.png", text="What is the total?"),
                       Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)})])
    runnable = backends({"ocr/receipts", "sum/news"})
    choices = select_models(plan, "what is the total?", catalog, runnable)
    assert choices[0].model_id is None
    new_plan, new_choices = stand_ins(plan, choices, "what is the total?", catalog, runnable)
    assert [t.task for t in new_plan.tasks] == ["image-to-text", "summarization"]
    assert new_plan.tasks[1] == plan.tasks[1] and new_choices[1] == choices[1]
    assert new_choices[0].model_id == "ocr/receipts" and new_choices[0].stands_in_for == "document-question-answering"
    assert "no document-question-answering model can run here" in new_choices[0].reason
    # nothing that can stand in: the plan and the failure stay as they were
    assert stand_ins(plan, choices, "q", catalog, backends({"sum/news"})) == (plan, choices)


def _ocr_card(model_id: str, tags: list[str]) -> ModelCard:
    return ModelCard(id=model_id, task="image-to-text", description="reads printed text", downloads=5,
                     backends=["local"], tags=tags)


@pytest.mark.parametrize(("request_", "tags", "expected"), [
    ("Describe this photo in detail, then translate it", ["ocr"], "image-classification"),
    ("Caption photo.jpg and read the caption aloud", ["ocr", "document"], "image-classification"),
    ("Read the text in photo.jpg aloud", ["ocr"], None),  # the writing is asked for: no labels instead
    ("What does the sign in photo.jpg say?", ["ocr"], None),
    ("Describe photo.jpg and say the description aloud", ["ocr"], "image-classification"),
    ("Give me a text description of photo.jpg", ["ocr"], "image-classification"),  # a text, not the text in it
    ("Describe photo.jpg, then summarize it into a short text", ["ocr"], "image-classification"),
    ("What text is on photo.jpg?", ["ocr"], None),
    ("Describe this photo", [], None),  # a model that may caption: no fallback
])
def test_a_picture_to_describe_with_only_text_readers_falls_back_on_labels(request_, tags, expected):
    from hugginggpt_tools.schemas import Candidate, ModelChoice
    from hugginggpt_tools.selection import picture_stand_in

    card = _ocr_card("ocr/a", tags)
    choice = ModelChoice(task_id=2, task="image-to-text", model_id="ocr/a", backend="local",
                         candidates=[Candidate(model_id="ocr/a", backend="local", score=1.0, card=card)])
    found = picture_stand_in(_task("image-to-text", 2, image="photo.jpg"), choice, request_)
    assert (found and found.task) == expected
    if found is not None:
        assert found.id == 2 and found.args == {"image": "photo.jpg"}


def test_stand_ins_give_a_text_reader_a_classifier_fallback_and_keep_its_choice(embedder):
    from hugginggpt_tools.selection import stand_ins

    cards = [_ocr_card("ocr/a", ["ocr"]), _card("cls/imagenet", "image-classification", "imagenet labels", 5)]
    catalog = ModelIndex.build(cards, embedder)
    plan = Plan(tasks=[_task("image-to-text", 0, image="photo.jpg")])
    runnable = backends({"ocr/a", "cls/imagenet"})
    choices = select_models(plan, "describe photo.jpg", catalog, runnable)
    new_plan, new_choices = stand_ins(plan, choices, "describe photo.jpg", catalog, runnable)
    assert new_plan == plan and new_choices[0].model_id == "ocr/a" and choices[0].fallback is None
    fallback = new_choices[0].fallback
    assert fallback is not None and fallback.model_id == "cls/imagenet" and fallback.task == "image-classification"
    assert fallback.stands_in_for == "image-to-text" and "only read printed text" in fallback.reason
    # no classifier can run: no fallback
    assert stand_ins(plan, choices, "describe photo.jpg", catalog, backends({"ocr/a"}))[1][0].fallback is None


def test_a_partial_scan_does_not_stop_at_a_last_resort_card(embedder, monkeypatch):
    """A task type with more cards than FULL_CHECK is scanned only until top_k runnable cards are
    found; a last-resort card met first must not end the scan before a preferred one."""
    from hugginggpt_tools import selection
    from hugginggpt_tools.selection import ranking

    quoter = _card("sum/quotes", "summarization", "summarize news summarize", 10**6)
    quoter = quoter.model_copy(update={"tags": ["summarization", selection.LAST_RESORT_TAG]})
    others = [_card(f"sum/other-{i}", "summarization", f"poems {i}", 0) for i in range(3)]
    catalog = ModelIndex.build([quoter, *others], embedder)
    monkeypatch.setattr(ranking, "FULL_CHECK", 1)  # where the scan looks it up
    plan = Plan(tasks=[_task("summarization", text="long text")])
    choice = select_models(plan, "summarize the news", catalog, backends({"sum/quotes", "sum/other-2"}), top_k=1)[0]
    assert choice.model_id == "sum/other-2" and [c.model_id for c in choice.candidates] == ["sum/other-2"]
    assert choice.reason.startswith("best runnable of 4 catalog models")  # a partial scan: FULL_CHECK applied
