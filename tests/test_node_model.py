"""The offline planner's node model: its file format, its arithmetic, its features, and how the
planner uses it (prune the cue rules' doubtful intents, add the ones it is sure of, never empty a
plan, leave intents it does not know alone); and how the planner links outputs nobody uses."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.planning import OfflinePlanner
from hugginggpt_tools.planning.clauses import mask, read_request
from hugginggpt_tools.planning.lexicon import INTENTS
from hugginggpt_tools.planning.nodemodel import FORMAT, NodeModel, request_features
from hugginggpt_tools.schemas import Ref
from hugginggpt_tools.toolgraph import ToolGraph

ROOT = Path(__file__).resolve().parents[1]
GRAPH = ToolGraph.load(ROOT / "benchmarks" / "data" / "taskbench_hf_tool_desc.json")
RULES = OfflinePlanner(GRAPH, matcher=False, node_model=False)
GRAPH_INTENTS = sorted(RULES.vocabulary.intents)


def model(bias: dict[str, float] | None = None, weights: dict[str, dict[str, float]] | None = None,
          threshold: float = 0.5) -> NodeModel:
    """A model over the graph's intents that keeps what the rules find and adds nothing (bias -1:
    p = 0.27, between the planner's keep threshold and the adding one) unless ``bias`` says otherwise."""
    bias = bias or {}
    rows = {f: {GRAPH_INTENTS.index(i): w for i, w in row.items()} for f, row in (weights or {}).items()}
    return NodeModel(GRAPH_INTENTS, rows, [bias.get(i, -1.0) for i in GRAPH_INTENTS], threshold)


def tasks(planner: OfflinePlanner, request: str, **kwargs) -> list[tuple[str, dict]]:
    return [(t.task, dict(t.args)) for t in planner.plan(request, **kwargs).tasks]


def test_the_file_format_round_trips_and_bad_files_say_what_is_wrong() -> None:
    m = NodeModel(["translation", "summarization"], {"w:french": {0: 2.0}}, [-1.0, 0.5], 0.4)
    again = NodeModel.from_dict(m.to_dict())
    assert again.to_dict() == m.to_dict() and again.to_dict()["format"] == FORMAT
    with pytest.raises(ConfigError, match="format"):
        NodeModel.from_dict({"format": "something-else"})
    with pytest.raises(ConfigError, match="lacks weights, bias"):
        NodeModel.from_dict({"format": FORMAT, "intents": ["translation"]})
    with pytest.raises(ConfigError, match="unknown intents.*'poetry'"):
        NodeModel(["poetry"], {}, [0.0])
    with pytest.raises(ConfigError, match="columns"):
        NodeModel(["translation"], {"w:x": {3: 1.0}}, [0.0])
    with pytest.raises(ConfigError, match="one bias per intent"):
        NodeModel(["translation", "summarization"], {}, [0.0])


def test_probabilities_are_the_logistic_of_bias_plus_the_features_weights() -> None:
    m = NodeModel(["translation", "summarization"], {"w:french": {0: 2.0}, "w:short": {1: -1.5}}, [-1.0, 0.5])
    probs = m.probabilities({"w:french", "w:short", "w:unseen"})
    assert probs["translation"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert probs["summarization"] == pytest.approx(1 / (1 + math.exp(1.0)))
    assert m.logits({"w:french"}) == {"translation": 1.0, "summarization": 0.5}
    assert m.weight("w:french", "translation") == 2.0 and m.weight("w:french", "summarization") == 0.0


def test_features_cover_words_resources_and_what_the_rules_found() -> None:
    req = read_request("Please read 'Hello there, friends' aloud, then clean up the result.wav recording")
    feats = request_features(req, mask(req.request, req.resources), {"text-to-speech", "audio-to-audio"})
    assert {"w:aloud", "w:recording", "b:read _quote_", "has:_quote_", "has:_audio_", "rule:text-to-speech",
            "rule:audio-to-audio", "rules:2", "s:record"} <= feats
    assert "w:the" not in feats and not any("hello" in f for f in feats)  # stop words; quoted words are masked


def test_the_packaged_model_covers_every_intent_of_taskbenchs_graph_and_of_the_registry() -> None:
    registry = OfflinePlanner(matcher=False, node_model=False).vocabulary.intents
    for default in (NodeModel.default(), NodeModel.default(embedding=False)):
        assert set(default.intents) == registry == set(INTENTS)  # TaskBench's graph's are among them
        assert 0 < default.threshold < 1 and len(default.weights) > 1000


def test_the_model_fills_an_empty_plan_over_a_tool_graph_but_not_over_the_registry() -> None:
    request = "what's the weather like tomorrow"
    intents = sorted(OfflinePlanner(matcher=False, node_model=False).vocabulary.intents)
    chatty = NodeModel(intents, {}, [3.0 if i == "conversational" else -6.0 for i in intents], 0.5)
    over_graph = OfflinePlanner(GRAPH, matcher=False, node_model=chatty)
    assert over_graph.fill_empty and [t for t, _ in tasks(over_graph, request)] == ["conversational"]
    assert tasks(OfflinePlanner(GRAPH, matcher=False, node_model=chatty, fill_empty=False), request) == []
    over_registry = OfflinePlanner(matcher=False, node_model=chatty)
    assert not over_registry.fill_empty and over_registry.plan(request).tasks == []
    # over the registry it adds no task the request does not ask for beside the rules' plan ...
    sure = NodeModel(intents, {"w:layering": {intents.index("depth-estimation"): 9.0}},
                     [3.0 if i == "image-to-text" else -6.0 for i in intents], 0.5)
    request = "Caption photo.jpg. Also, I wonder about the layering of photo.jpg."
    assert [t for t, _ in tasks(OfflinePlanner(matcher=False, node_model=sure), request)] == ["image-to-text"]
    # ... but its choice takes the place of a rules' task it left out, in that task's clause
    assert [t for t, _ in tasks(OfflinePlanner(matcher=False, node_model=False),
                                "Caption photo.jpg. Also, segment the layering of photo.jpg.")] == [
        "image-to-text", "image-segmentation"]
    assert [t for t, _ in tasks(OfflinePlanner(matcher=False, node_model=sure),
                                "Caption photo.jpg. Also, segment the layering of photo.jpg.")] == [
        "image-to-text", "depth-estimation"]


def test_the_model_prunes_an_intent_the_rules_found_but_it_doubts() -> None:
    request = "Read the text in scan.png aloud"
    rules = OfflinePlanner(GRAPH, matcher=False, node_model=False)
    assert [t for t, _ in tasks(rules, request)] == ["image-to-text", "text-to-speech"]
    doubtful = OfflinePlanner(GRAPH, matcher=False, node_model=model({"text-to-speech": -6.0}))
    assert tasks(doubtful, request) == [("image-to-text", {"image": "scan.png"})]


def test_rule_intents_are_what_the_cue_rules_find_before_the_model_weighs_them() -> None:
    request = "Read the text in scan.png aloud"
    doubtful = OfflinePlanner(GRAPH, matcher=False, node_model=model({"text-to-speech": -6.0}))
    assert doubtful.rule_intents(request) == {"image-to-text", "text-to-speech"}
    assert doubtful.rule_intents(read_request(request)) == doubtful.rule_intents(request)
    assert [t for t, _ in tasks(doubtful, request)] == ["image-to-text"]


def test_the_model_adds_an_intent_it_is_sure_of_in_the_clause_that_suggests_it() -> None:
    request = "Caption photo.jpg. Also, I wonder about the layering of the scene in photo.jpg."
    assert [t for t, _ in tasks(RULES, request)] == ["image-to-text"]  # no cue names depth
    sure = model({i: -6.0 for i in GRAPH_INTENTS if i != "image-to-text"} | {"image-to-text": 3.0},
                 {"w:layering": {"depth-estimation": 9.0}})
    planner = OfflinePlanner(GRAPH, matcher=False, node_model=sure)
    assert tasks(planner, request) == [("image-to-text", {"image": "photo.jpg"}),
                                       ("depth-estimation", {"image": "photo.jpg"})]


def test_a_question_the_model_believes_in_only_as_a_family_keeps_the_rules_choice() -> None:
    request = "Caption photo.jpg and answer 'Is it raining?' from the caption"
    split = model({"image-to-text": 3.0, "question-answering": -1.7, "visual-question-answering": -1.7,
                   "document-question-answering": -9.0})  # 0.15 each: doubted alone, 0.3 together
    planner = OfflinePlanner(GRAPH, matcher=False, node_model=split)
    assert [t for t, _ in tasks(planner, request)] == ["image-to-text", "question-answering"]
    # a family the model doubts as a whole is pruned, and so is one where it keeps another member
    for bias in ({"question-answering": -3.0, "visual-question-answering": -3.0},
                 {"question-answering": -1.7, "visual-question-answering": 2.0}):
        doubtful = OfflinePlanner(GRAPH, matcher=False, node_model=model(
            {"image-to-text": 3.0, "document-question-answering": -9.0} | bias))
        assert "question-answering" not in [t for t, _ in tasks(doubtful, request)]


def test_the_model_never_prunes_a_plan_to_nothing() -> None:
    request = "Translate 'good morning' into German"
    planner = OfflinePlanner(GRAPH, matcher=False, node_model=model({i: -9.0 for i in GRAPH_INTENTS}))
    assert tasks(planner, request) == [("translation", {"text": "good morning", "target_language": "German"})]


def test_intents_the_model_does_not_know_stay_as_the_rules_found_them() -> None:
    planner = OfflinePlanner(matcher=False, node_model=model({i: -9.0 for i in GRAPH_INTENTS}))
    assert [t for t, _ in tasks(planner, "Which language is 'Le chat dort sur le canapé' written in?")] == [
        "text-classification"]


def test_a_question_that_is_only_a_reference_takes_the_earlier_text() -> None:
    plan = RULES.plan("Translate '¿Dónde está la salida?' into English, then answer it using the floor plan map.png.")
    vqa = next(t for t in plan.tasks if t.task == "visual-question-answering")
    assert vqa.args["image"] == "map.png" and vqa.args["text"] == Ref(task_id=plan.tasks[0].id)


def test_a_clause_that_asks_its_own_question_or_gives_its_own_instruction_keeps_it() -> None:
    plan = RULES.plan("Caption photo.jpg, then change the background of the image to blue.")
    assert [(t.task, dict(t.args)) for t in plan.tasks][-1] == (
        "image-to-image", {"image": "photo.jpg", "text": "change the background of the image to blue"})
    plan = RULES.plan("Caption photo.jpg, then tell me what color the car is in street.jpg.")
    vqa = next(t for t in plan.tasks if t.task == "visual-question-answering")
    assert vqa.args == {"image": "street.jpg", "text": "What color is the car?"}


def test_an_instruction_that_names_an_earlier_result_takes_it() -> None:
    plan = RULES.plan("Classify the sound in bell.wav and use the label as an edit instruction for porch.jpg.")
    assert [(t.task, dict(t.args)) for t in plan.tasks] == [
        ("audio-classification", {"audio": "bell.wav"}),
        ("image-to-image", {"image": "porch.jpg", "text": Ref(task_id=plan.tasks[0].id)})]


def test_an_output_nobody_uses_feeds_the_task_whose_input_was_a_guess_in_data_flow_order() -> None:
    plan = RULES.plan("Sharpen photo.jpg, estimate its depth, and describe the depth map in words.")
    assert [t.task for t in plan.tasks] == ["image-to-image", "depth-estimation", "image-to-text"]
    assert plan.tasks[1].args["image"] == Ref(task_id=plan.tasks[0].id)
    assert plan.tasks[2].args["image"] == Ref(task_id=plan.tasks[1].id)


def test_a_model_with_embedding_weights_adds_their_dot_product_and_checks_the_length() -> None:
    m = NodeModel(["translation", "summarization"], {}, [0.0, 0.0], vectors=[[2.0, 0.0], [0.0, -1.0]])
    assert m.uses_embedding and m.logits(set(), [0.5, 0.5]) == {"translation": 1.0, "summarization": -0.5}
    with pytest.raises(ConfigError, match="reads the request's embedding.*got 3 numbers"):
        m.logits(set(), [0.1, 0.2, 0.3])
    with pytest.raises(ConfigError, match="got none"):
        m.probabilities(set())
    assert NodeModel.from_dict(m.to_dict()).vectors == [[2.0, 0.0], [0.0, -1.0]]


def test_the_planner_reads_embeddings_only_from_the_package_encoder() -> None:
    from fake_embedder import HashEmbedder

    from hugginggpt_tools.planning.semantic import IntentMatcher

    own = OfflinePlanner(GRAPH, matcher=IntentMatcher(HashEmbedder(), {"translation": ["put it in French"]}))
    assert own.node_model is not None and not own.node_model.uses_embedding
    assert not OfflinePlanner(GRAPH, matcher=False).node_model.uses_embedding
    assert NodeModel.default().uses_embedding
    with pytest.raises(ConfigError, match="needs the semantic matcher"):
        OfflinePlanner(GRAPH, matcher=False, node_model=NodeModel.default())


def test_under_a_covered_graph_confidence_comes_from_the_models_probabilities() -> None:
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    request = "Read the text in scan.png aloud"
    rules = OfflinePlanner(GRAPH, matcher=False, node_model=False)
    ocr_cue, tts_cue = rules._build(read_request(request), rules.vocabulary)[0].strengths
    assert tts_cue < ocr_cue and sig(1.0) < tts_cue < sig(4.0)
    # each planned intent is as sure as the model's probability or its cue's strength, whichever is
    # higher; the plan as its least sure intent, times one minus the likeliest intent left out
    for tts_logit, tts_sure in ((1.0, tts_cue), (4.0, sig(4.0))):
        m = model({i: -3.0 for i in GRAPH_INTENTS} | {"image-to-text": 2.0, "text-to-speech": tts_logit})
        plan = OfflinePlanner(GRAPH, matcher=False, node_model=m).plan(request)
        assert [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]
        assert plan.confidence == pytest.approx(min(max(sig(2.0), ocr_cue), tts_sure) * (1 - sig(-3.0)), abs=1e-3)
    # the registry has intents this model does not know: there the cue strengths decide
    registry = OfflinePlanner(matcher=False, node_model=m).plan("Read the text in scan.png aloud")
    assert registry.confidence == OfflinePlanner(matcher=False, node_model=False).plan(
        "Read the text in scan.png aloud").confidence


def test_a_question_in_the_clauses_words_leaves_out_the_file_mention() -> None:
    plan = OfflinePlanner(matcher=False, node_model=False).plan("Ask the photo street.jpg about the colour of the car")
    assert [(t.task, dict(t.args)) for t in plan.tasks] == [
        ("visual-question-answering", {"image": "street.jpg", "text": "Ask about the colour of the car"})]
