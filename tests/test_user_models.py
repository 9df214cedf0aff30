"""User models: cards from local transformers folders, the user catalog and the merged index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.backends.transformers import TransformersBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ModelIndexError
from hugginggpt_tools.model_index.index import ModelIndex, load_default_index
from hugginggpt_tools.model_index.local_models import card_from_local_dir, guess_task
from hugginggpt_tools.model_index.user_catalog import (
    UserCatalog,
    looks_like_hub_id,
    merged_index,
    register_model,
    unregister_model,
)
from hugginggpt_tools.schemas import ModelCard, Plan, Task
from hugginggpt_tools.selection import select_models

README = """---
language: [en]
license: mit
pipeline_tag: text-classification
tags: [sentiment, reviews]
---
# Review sentiment

Tells whether a **product review** is positive or negative.
"""


def model_folder(root: Path, name: str = "review-sentiment", *, architectures=("BertForSequenceClassification",),
                 readme: str | None = README, labels=("NEGATIVE", "POSITIVE")) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    config = {"architectures": list(architectures), "model_type": "bert",
              "id2label": {str(i): label for i, label in enumerate(labels)}}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if readme is not None:
        (folder / "README.md").write_text(readme, encoding="utf-8")
    return folder


BASE_CARDS = [
    ModelCard(id="hub/sentiment", task="text-classification", backends=["transformers"], downloads=10**6,
              description="sentiment of tweets"),
    ModelCard(id="hub/summarizer", task="summarization", backends=["transformers"], downloads=500,
              description="summarizes news"),
]


@pytest.fixture
def settings(tmp_path: Path, hash_base_index) -> Settings:
    """A base index of two cards (hash embedder) and an empty user catalog; the default embedder patched."""
    return Settings(index_dir=hash_base_index(BASE_CARDS), catalog_dir=tmp_path / "catalog", model_dirs=[])


def test_card_from_folder_reads_config_and_readme(tmp_path):
    folder = model_folder(tmp_path)
    card = card_from_local_dir(folder)
    assert (card.id, card.task, card.source, card.backends) == ("local/review-sentiment", "text-classification",
                                                                "user", ["transformers"])
    assert card.path == str(folder.resolve()) and card.languages == ["en"] and card.license == "mit"
    assert card.description == "Review sentiment Tells whether a product review is positive or negative."
    assert {"sentiment", "reviews", "bert", "BertForSequenceClassification"} <= set(card.tags)


def test_card_without_readme_describes_architecture_and_labels(tmp_path):
    folder = model_folder(tmp_path, "ner", architectures=("DistilBertForTokenClassification",), readme=None,
                          labels=("O", "B-PER", "I-PER"))
    card = card_from_local_dir(folder, model_id="me/ner")
    assert (card.id, card.task) == ("me/ner", "token-classification")
    assert card.description == "Local bert model (DistilBertForTokenClassification) in ner. Labels: O, B-PER, I-PER."


def test_task_argument_wins_and_ambiguous_architectures_need_it(tmp_path):
    folder = model_folder(tmp_path, "t5", architectures=("T5ForConditionalGeneration",), readme=None)
    with pytest.raises(ModelIndexError, match=r"Cannot tell the task type.*T5ForConditionalGeneration.*--task"):
        card_from_local_dir(folder)
    assert card_from_local_dir(folder, task="summarize").task == "summarization"
    with pytest.raises(ModelIndexError, match=r"Unknown task type 'juggling'.*translation"):
        card_from_local_dir(folder, task="juggling")


def test_folders_without_config_and_strings_that_are_neither(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelIndexError, match="no config.json"):
        card_from_local_dir(tmp_path / "empty")
    with pytest.raises(ModelIndexError, match="neither a model folder nor a Hub model id"):
        register_model(str(tmp_path / "nope" / "x y"), settings=Settings(catalog_dir=tmp_path / "c"))
    assert looks_like_hub_id("Helsinki-NLP/opus-mt-en-de") and looks_like_hub_id("gpt2")
    assert not looks_like_hub_id("a/b/c") and not looks_like_hub_id("../x")


@pytest.mark.parametrize(("architecture", "task"), [
    ("WhisperForConditionalGeneration", "automatic-speech-recognition"),
    ("Wav2Vec2ForCTC", "automatic-speech-recognition"),
    ("VisionEncoderDecoderModel", "image-to-text"),
    ("DetrForObjectDetection", "object-detection"),
    ("LayoutLMv3ForQuestionAnswering", "document-question-answering"),
    ("RobertaForQuestionAnswering", "question-answering"),
    ("GPT2LMHeadModel", "text-generation"),
    ("MarianMTModel", "translation"),
    ("BartForConditionalGeneration", None),
])
def test_guess_task_from_architecture(architecture, task):
    assert guess_task([architecture]) == task


def test_register_adds_to_catalog_and_merges_only_the_new_card(settings, embedder, tmp_path):
    folder = model_folder(tmp_path)
    calls = len(embedder.calls)
    card = register_model(folder, settings=settings, embedder=embedder)
    assert UserCatalog(settings.catalog_dir).user_cards() == [card]
    assert len(embedder.calls) == calls + 1 and embedder.calls[-1] == [card.embedding_text()]
    index = load_default_index(settings)
    assert [c.id for c in index.cards] == ["hub/sentiment", "hub/summarizer", "local/review-sentiment"]
    assert index.manifest["base_cards_sha256"]
    again = merged_index(settings)
    assert again.cards == index.cards and len(embedder.calls) == calls + 1


def test_registered_folder_is_runnable_and_selected(settings, embedder, tmp_path):
    folder = model_folder(tmp_path)
    register_model(folder, settings=settings, embedder=embedder)
    backends = Backends([TransformersBackend(settings)])
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "great product, five stars"})])
    choice = select_models(plan, "is this product review positive?", load_default_index(settings), backends)[0]
    assert choice.model_id == "local/review-sentiment" and choice.backend == "transformers"
    assert "best of 1 runnable candidate" in choice.reason


def test_doctor_lists_the_cards_selection_uses_user_catalog_included(settings, embedder, tmp_path):
    from hugginggpt_tools.tools.models import index_cards_and_source

    before, source = index_cards_and_source(settings)
    assert [c.id for c in before] == ["hub/sentiment", "hub/summarizer"] and "user catalog" not in source
    register_model(model_folder(tmp_path), settings=settings, embedder=embedder)
    after, source = index_cards_and_source(settings)
    assert [c.id for c in after] == [c.id for c in load_default_index(settings).cards]
    assert "1 card(s) of the user catalog" in source


def test_user_card_overrides_a_base_card_and_removal_restores_it(settings, embedder, tmp_path):
    folder = model_folder(tmp_path, "sentiment-copy")
    register_model(folder, model_id="hub/sentiment", settings=settings, embedder=embedder)
    index = load_default_index(settings)
    assert len(index) == 2 and index.card_at(index.position_of("hub/sentiment", "text-classification")).source == "user"
    gone = unregister_model("hub/sentiment", settings=settings, embedder=embedder)
    assert [c.id for c in gone] == ["hub/sentiment"]
    restored = load_default_index(settings)
    assert restored.cards == BASE_CARDS
    with pytest.raises(ModelIndexError, match=r"No user model 'hub/sentiment'.*models list --user"):
        unregister_model("hub/sentiment", settings=settings, embedder=embedder)


def test_removed_new_card_leaves_the_merged_index(settings, embedder, tmp_path):
    register_model(model_folder(tmp_path), settings=settings, embedder=embedder)
    register_model(model_folder(tmp_path, "other", readme=None), settings=settings, embedder=embedder)
    unregister_model("local/review-sentiment", settings=settings, embedder=embedder)
    assert [c.id for c in load_default_index(settings).cards] == ["hub/sentiment", "hub/summarizer", "local/other"]


def test_changed_base_index_is_merged_again(settings, embedder, tmp_path):
    register_model(model_folder(tmp_path), settings=settings, embedder=embedder)
    ModelIndex.build(BASE_CARDS[:1], embedder).save(settings.index_dir)
    merged = merged_index(settings, embedder)
    assert [c.id for c in merged.cards] == ["hub/sentiment", "local/review-sentiment"]


def test_torn_last_line_of_the_hub_file_is_skipped(tmp_path):
    catalog = UserCatalog(tmp_path)
    catalog.append_hub(BASE_CARDS[0])
    with catalog.hub_file.open("a") as handle:
        handle.write('{"id": "half')
    assert catalog.hub_cards() == [BASE_CARDS[0]]
    catalog.hub_file.write_text('{"id": "bad"}\n' + catalog.hub_file.read_text())
    with pytest.raises(ModelIndexError, match=r"hub_cards.jsonl:1"):
        catalog.hub_cards()


@pytest.mark.integration
def test_registered_tiny_model_runs_through_the_pipeline(settings, embedder, tmp_path):
    """A real tiny BERT saved in the test, registered, chosen by selection and run by transformers."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    from hugginggpt_tools.pipeline import create_hugginggpt_agent

    folder = tmp_path / "tiny-sentiment"
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(["great product", "bad review", "five stars"],
                            trainers.WordPieceTrainer(vocab_size=60, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"]))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                     sep_token="[SEP]", model_max_length=32)
    hf_tok.save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=hf_tok.vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=32, num_labels=2,
                        id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    BertForSequenceClassification(config).save_pretrained(folder)
    (folder / "README.md").write_text(README, encoding="utf-8")
    card = register_model(folder, settings=settings, embedder=embedder)
    agent = create_hugginggpt_agent(settings=settings, index=load_default_index(settings),
                                    backends=Backends([TransformersBackend(settings)]), planner="offline")
    state = agent.invoke({"input": "Is this review positive or negative: 'great product, five stars'"})
    result = next(r for r in state["answer"].results if r.task == "text-classification")
    assert result.status == "succeeded" and result.model_id == card.id
    assert {d["label"] for d in result.data} <= {"NEGATIVE", "POSITIVE"}
