"""The HuggingGPT graph for the LangGraph CLI / platform (see ``langgraph.json`` beside it)."""

from hugginggpt_tools import create_hugginggpt_agent

graph = create_hugginggpt_agent()
