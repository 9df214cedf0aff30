"""The node model does not depend on what the user's files are called: the same request with its
file renamed (a camera name, a random word, a name that is a task word) gets the same intent
probabilities and the same planned intents."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.planning import OfflinePlanner
from hugginggpt_tools.planning.clauses import read_request
from hugginggpt_tools.planning.nodemodel import embedding_text
from hugginggpt_tools.toolgraph import ToolGraph

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ToolGraph.load(ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json")

IMAGE_NAMES = ["cat.jpg", "example.jpg", "IMG_2041.HEIC", "photos/2023/DSC01234.JPG", "translate_me.png",
               "summary.png", "caption.jpg", "depth_map.png", "question.png", "generate_video.png"]
AUDIO_NAMES = ["clip.wav", "recording.wav", "example.wav", "meeting_notes_final.m4a", "translate.wav",
               "summary.wav", "caption_me.wav", "generate_image.wav", "REC_0042.mp3"]


@pytest.fixture(scope="module")
def planners() -> dict[str, OfflinePlanner]:
    return {"graph": OfflinePlanner(GRAPH), "registry": OfflinePlanner()}


def probabilities(planner: OfflinePlanner, request: str) -> dict[str, float]:
    req = read_request(request)
    _, _, probs = planner._rebuild(req, *planner._build(req, planner.vocabulary))
    assert probs is not None
    return probs


def test_the_embedded_text_names_each_file_and_url_by_a_stand_in_of_its_kind() -> None:
    def text(request: str) -> str:
        return embedding_text(read_request(request))

    assert text("Classify IMG_2041.HEIC, then read /home/me/summary.txt aloud.") == \
        "Classify example.jpg, then read example.txt aloud."
    assert text("Denoise translate.wav and caption https://x.org/cat.png") == \
        "Denoise example.wav and caption https://example.com/example.jpg"
    assert text("Summarize https://news.example.org/story/42 for me") == "Summarize https://example.com for me"
    # quoted text is the request's content, not a name: it stays
    assert text("Translate 'where is summary.png' into French") == "Translate 'where is summary.png' into French"


@pytest.mark.parametrize("kind", ["graph", "registry"])
def test_renaming_the_file_leaves_the_node_model_probabilities_alone(planners, kind) -> None:
    planner = planners[kind]
    request = "Classify {} and then generate a text describing the sound category."
    base = probabilities(planner, request.format(AUDIO_NAMES[0]))
    for name in AUDIO_NAMES[1:]:
        assert probabilities(planner, request.format(name)) == pytest.approx(base, abs=1e-9), name


@pytest.mark.parametrize("kind", ["graph", "registry"])
@pytest.mark.parametrize("request_, names", [
    ("Classify {} and then generate a text describing the sound category.", AUDIO_NAMES),
    ("Clean up the background noise in {} and tell me what is said.", AUDIO_NAMES),
    ("What is in {}?", IMAGE_NAMES),
    ("Describe {} and then read the description aloud.", IMAGE_NAMES),
    ("Detect the objects in {} and make a new picture of them.", IMAGE_NAMES),
    ("Make {} look like a watercolor painting.", IMAGE_NAMES),
])
def test_renaming_the_file_leaves_the_planned_intents_alone(planners, kind, request_, names) -> None:
    planner = planners[kind]
    planned = {name: sorted(t.task for t in planner.plan(request_.format(name)).tasks) for name in names}
    assert len({tuple(v) for v in planned.values()}) == 1, planned
