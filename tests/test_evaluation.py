"""TaskBench's metrics on hand-made samples, counted by hand."""

from __future__ import annotations

import pytest

from hugginggpt_tools.evaluation import Counts, content_type, read_sample, score

TYPES = {"Image-to-Text": "text", "Text-to-Speech": "audio", "Image Editing": "image",
         "Object Detection": "text", "Sentence Similarity": "none", "Translation": "text"}


def node(task: str, *arguments: object) -> dict[str, object]:
    return {"task": task, "arguments": list(arguments)}


@pytest.mark.parametrize(("value", "kind"), [
    ("example.jpg", "image"), ("'photo.PNG'", "text"), ("'photo.png'", "image"), ("a.wav", "audio"),
    ("clip.mp4", "video"), ("Hello there", "text"), ("notes.txt", "text"), ("see example.jpg now", "image"),
])
def test_content_type_follows_the_extension_anywhere_in_the_value(value: str, kind: str) -> None:
    assert content_type(value) == kind


def test_read_sample_builds_links_and_typed_arguments_from_node_references() -> None:
    sample = {"task_nodes": [node("Image-to-Text", "example.jpg"), node("Text-to-Speech", "<node-0>"),
                             node("Sentence Similarity", "<node-0>", "a cat")]}
    sets = read_sample(sample, TYPES)
    assert sets.nodes == {"Image-to-Text", "Text-to-Speech", "Sentence Similarity"}
    assert sets.links == {("Image-to-Text", "Text-to-Speech"), ("Image-to-Text", "Sentence Similarity")}
    assert sets.argument_names == {"Image-to-Text-image", "Text-to-Speech-text", "Sentence Similarity-text"}
    assert sets.argument_values == {"Image-to-Text-image-example.jpg", "Text-to-Speech-text-Image-to-Text",
                                    "Sentence Similarity-text-Image-to-Text", "Sentence Similarity-text-a cat"}


def test_read_sample_skips_self_references_and_unreadable_arguments_and_names_unknown_producers() -> None:
    sample = {"task_nodes": [
        node("Image_Editing", "<node-0>", {"instruction": "make it red"}, ["a", "b"]),
        node("Mystery Tool", "x.png"),
        node("Object Detection", "<node-1>", "<node-7>", True),
    ]}
    sets = read_sample(sample, TYPES)
    assert sets.nodes == {"Image Editing", "Mystery Tool", "Object Detection"}
    assert sets.links == {("Mystery Tool", "Object Detection")}
    assert sets.argument_values == {"Image Editing-text-make it red", "Image Editing-text-a b",
                                    "Mystery Tool-image-x.png", "Object Detection-other-Mystery Tool"}


def test_counts_micro_f1() -> None:
    c = Counts()
    c.add({"a", "b"}, {"a", "c", "d"})
    c.add({"x"}, set())
    assert (c.tp, c.fp, c.fn) == (1, 2, 2)
    assert c.precision == pytest.approx(1 / 3) and c.recall == pytest.approx(1 / 3)
    assert c.f1 == pytest.approx(2 / 6)
    assert Counts().f1 == 0.0


def test_score_by_hand_with_splits_missing_predictions_and_names_outside_the_graph() -> None:
    labels = [
        {"id": 1, "type": "single", "task_nodes": [node("Translation", "Hola")]},
        {"id": 2, "type": "chain", "task_nodes": [node("Image-to-Text", "example.jpg"),
                                                   node("Text-to-Speech", "<node-0>")]},
        {"id": 3, "type": "chain", "task_nodes": [node("Text Extraction", "example.jpg")]},
    ]
    predictions = {
        1: {"id": 1, "task_nodes": [node("Translation", "hola")]},
        2: {"result": {"task_nodes": [node("Image-to-Text", "example.jpg"), node("Text-to-Speech", "example.jpg")]}},
        3: {"id": 3, "task_nodes": [node("Image-to-Text", "example.jpg")]},
    }
    scores = score(labels, predictions, TYPES)
    overall = scores["overall"]
    assert overall.samples == 3 and scores["single"].samples == 1 and scores["chain"].samples == 2
    assert scores["dag"].samples == 0
    # nodes: "Text Extraction" is outside the graph and ignored; the predicted Image-to-Text of
    # sample 3 is a false positive: tp 3 (Translation, Image-to-Text, Text-to-Speech), fp 1, fn 0
    assert (overall.nodes.tp, overall.nodes.fp, overall.nodes.fn) == (3, 1, 0)
    assert overall.nodes.f1 == pytest.approx(6 / 7)
    # links: the label's Image-to-Text -> Text-to-Speech is missed
    assert (overall.links.tp, overall.links.fp, overall.links.fn) == (0, 0, 1)
    # argument names: Text-to-Speech's argument is an image in the prediction, text in the label,
    # and sample 3's names differ by task name: tp 2, fp 2, fn 2
    assert (overall.argument_names.tp, overall.argument_names.fp, overall.argument_names.fn) == (2, 2, 2)
    # values are exact: "hola" is not "Hola"; only sample 2's example.jpg matches
    assert (overall.argument_values.tp, overall.argument_values.fp, overall.argument_values.fn) == (1, 3, 3)
    assert score(labels, {}, TYPES)["overall"].nodes.f1 == 0.0


def test_as_dict_reports_the_four_metrics() -> None:
    labels = [{"id": "a", "type": "single", "task_nodes": [node("Translation", "Hi")]}]
    result = score(labels, {"a": {"task_nodes": [node("Translation", "Hi")]}}, TYPES)["overall"].as_dict()
    assert result == {"samples": 1, "node_f1": 1.0, "link_f1": 0.0, "argument_name_f1": 1.0,
                      "argument_value_f1": 1.0}
