"""The toolkit's tools inside a hand-made LangGraph graph (ToolNode + tools_condition)."""

from __future__ import annotations

from fake_embedder import HashEmbedder
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from hugginggpt_tools import HuggingGPTToolkit
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.testing import FakeBackend, fake_card, fake_tool_calling_model


def test_tools_run_in_a_hand_made_langgraph_graph(tmp_path):
    settings = Settings(output_dir=tmp_path)
    backend = FakeBackend(handlers={"text-classification": lambda i, c: f"POSITIVE ({i['text']})",
                                    "translation": lambda i, c: f"[de] {i['text']}"})
    index = ModelIndex.build([fake_card("text-classification", "fake/sentiment"),
                              fake_card("translation", "fake/en-de")], HashEmbedder())
    toolkit = HuggingGPTToolkit(settings=settings, index=index, backends=Backends([backend]),
                                store=ArtifactStore(tmp_path, "s"), tasks=["text-classification", "translation"])

    def translate_the_label(messages):
        return AIMessage("", tool_calls=[{"name": "translation", "id": "c2",
                                          "args": {"text": messages[-1].artifact.text, "target_language": "German"}}])

    model = fake_tool_calling_model([
        AIMessage("", tool_calls=[{"name": "text_classification", "args": {"text": "I love it"}, "id": "c1"}]),
        translate_the_label,
        AIMessage("Done."),
    ])
    graph = StateGraph(MessagesState)
    graph.add_node("model", lambda state: {"messages": [model.invoke(state["messages"])]})
    graph.add_node("tools", ToolNode(toolkit.get_tools()))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", tools_condition)
    graph.add_edge("tools", "model")
    final = graph.compile().invoke({"messages": [HumanMessage("Classify 'I love it' and translate the label")]})
    tool_messages = [m for m in final["messages"] if m.type == "tool"]
    assert [m.name for m in tool_messages] == ["text_classification", "translation"]
    assert tool_messages[1].artifact.text == "[de] POSITIVE (I love it)"
    assert [c.model_id for c in backend.calls] == ["fake/sentiment", "fake/en-de"]
    assert final["messages"][-1].content == "Done."
