"""Tool graphs in TaskBench's tool_desc.json format: loading, naming, prediction format, repairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import taskbench_tool as tool

from hugginggpt_tools import check_plan
from hugginggpt_tools.errors import ConfigError, InputError
from hugginggpt_tools.schemas import Ref
from hugginggpt_tools.tasks import TASK_TYPES
from hugginggpt_tools.toolgraph import ToolGraph

GRAPH = ToolGraph.from_taskbench({"nodes": [
    tool("Image-to-Image", ["image"], ["image"]),
    tool("Image Editing", ["text", "image"], ["image"]),
    tool("Object Detection", ["image"], ["text"]),
    tool("Depth Estimation", ["image"], ["image"]),
    tool("Visual Question Answering", ["image", "text"], ["text"]),
    tool("Text-to-Speech", ["text"], ["audio"]),
    tool("Translation", ["text"], ["text"]),
    tool("Summarization", ["text"], ["text"]),
    tool("Teleportation", ["text"], ["text"]),
]})


def test_tools_map_to_task_types_and_unknown_ones_are_left_out() -> None:
    assert GRAPH.unmapped == ("Teleportation",)
    assert GRAPH.tool("image editing").task == "image-to-image"
    assert GRAPH.tool("Object_Detection").inputs == ("image",)
    assert GRAPH.tasks == {"image-to-image", "object-detection", "depth-estimation", "visual-question-answering",
                           "text-to-speech", "translation", "summarization"}
    assert GRAPH.task_for("Image Editing") == "image-to-image" and GRAPH.task_for("OCR") == "image-to-text"
    assert GRAPH.outputs("object-detection") == ("text",)


def test_registry_graph_has_every_task_type() -> None:
    graph = ToolGraph.from_registry()
    assert graph.names == list(TASK_TYPES)
    assert graph.tool("translation").inputs == ("text",)


def test_name_for_picks_the_tool_whose_inputs_the_arguments_fill() -> None:
    plan = check_plan([
        {"task": "image-to-image", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}},
        {"task": "image-to-image", "id": 1, "dep": [-1], "args": {"image": "a.jpg", "text": "make the sky red"}},
    ])
    assert [GRAPH.name_for(t) for t in plan.tasks] == ["Image-to-Image", "Image Editing"]
    assert GRAPH.name_for(check_plan([{"task": "summarization", "args": {"text": "x"}}]).tasks[0]) == "Summarization"


def test_to_taskbench_writes_node_references_links_and_the_tools_argument_order() -> None:
    plan = check_plan([
        {"task": "image-to-image", "id": 0, "dep": [-1], "args": {"image": "a.jpg", "text": "add a hat"}},
        {"task": "visual-question-answering", "id": 1, "dep": [0],
         "args": {"image": "<resource>-0", "text": "What is on his head?"}},
        {"task": "translation", "id": 2, "dep": [1], "args": {"text": "<resource>-1", "target_language": "German"}},
    ])
    assert GRAPH.to_taskbench(plan, "r1") == {
        "id": "r1",
        "task_nodes": [
            {"task": "Image Editing", "arguments": ["add a hat", "a.jpg"]},
            {"task": "Visual Question Answering", "arguments": ["<node-0>", "What is on his head?"]},
            {"task": "Translation", "arguments": ["<node-1>"]},
        ],
        "task_links": [{"source": "Image Editing", "target": "Visual Question Answering"},
                       {"source": "Visual Question Answering", "target": "Translation"}],
    }


def test_conform_rewires_an_output_the_graph_says_does_not_fit() -> None:
    plan = check_plan([
        {"task": "image-to-image", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}},
        {"task": "object-detection", "id": 1, "dep": [0], "args": {"image": "<resource>-0"}},
        {"task": "depth-estimation", "id": 2, "dep": [1], "args": {"image": "<resource>-1"}},
    ])
    fixed = GRAPH.conform(plan)
    assert fixed.tasks[2].args == {"image": Ref(task_id=0)} and fixed.tasks[2].dep == [0]
    assert any("used task 0's output instead" in n for n in fixed.notes)


def test_a_tool_that_lists_no_output_feeds_nothing_as_the_planners_see_it() -> None:
    """TaskBench's Sentence Similarity outputs nothing: conform() and the offline planner's
    vocabulary agree, and only a type the graph lacks falls back to the registry's outputs."""
    from hugginggpt_tools.planning.intents import Vocabulary

    graph = ToolGraph.from_taskbench({"nodes": [tool("Sentence Similarity", ["text", "text"], []),
                                                tool("Translation", ["text"], ["text"])]})
    assert graph.outputs("sentence-similarity") == () == Vocabulary.from_graph(graph).outputs["sentence-similarity"]
    assert graph.outputs("image-to-text") == ("text",)
    plan = check_plan([
        {"task": "sentence-similarity", "id": 0, "dep": [-1], "args": {"text": "a", "text2": "b"}},
        {"task": "translation", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}},
    ])
    assert any("says is nothing, not text" in n for n in graph.conform(plan).notes)


def test_conform_uses_the_only_user_file_and_notes_what_it_cannot_fix() -> None:
    plan = check_plan([
        {"task": "object-detection", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}},
        {"task": "depth-estimation", "id": 1, "dep": [0], "args": {"image": "<resource>-0"}},
    ])
    assert GRAPH.conform(plan, files=["a.jpg"]).tasks[1].args == {"image": "a.jpg"}
    unfixed = GRAPH.conform(plan, files=["a.jpg", "b.png"])
    assert unfixed.tasks[1].args == {"image": Ref(task_id=0)}
    assert any("left as it is" in n for n in unfixed.notes)


def test_conform_renames_a_missing_task_type_only_when_one_graph_type_has_its_signature() -> None:
    graph = ToolGraph.from_taskbench({"nodes": [tool("Text-to-Speech", ["text"], ["audio"]),
                                                tool("Image Classification", ["image"], ["text"])]})
    plan = check_plan([{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}},
                       {"task": "text2text-generation", "id": 1, "dep": [-1], "args": {"text": "fix this"}}])
    fixed = graph.conform(plan)
    assert [t.task for t in fixed.tasks] == ["image-classification", "text2text-generation"]
    assert any("not in the tool graph (kept it" in n for n in fixed.notes)


def test_spec_lines_list_tools_with_argument_names_and_types() -> None:
    lines = GRAPH.spec_lines().splitlines()
    assert "- Image Editing(text: text, image: image) -> image: The Image Editing tool." in lines
    assert "- Translation(text: text, target_language: text, optional, source_language: text, optional) -> text: " \
           "The Translation tool." in lines


def test_load_reads_a_file_and_reports_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "tool_desc.json"
    path.write_text(json.dumps({"nodes": [tool("Summarization", ["text"], ["text"])]}))
    assert ToolGraph.load(path).names == ["Summarization"]
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(InputError, match="not JSON"):
        ToolGraph.load(tmp_path / "bad.json")
    with pytest.raises(InputError, match="Cannot read"):
        ToolGraph.load(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="'nodes' list"):
        ToolGraph.from_taskbench({"tools": []})
    with pytest.raises(ConfigError, match="at least one tool"):
        ToolGraph.from_taskbench({"nodes": [tool("Teleportation", ["text"], ["text"])]})
