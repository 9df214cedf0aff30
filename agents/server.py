"""The HuggingGPT agent as a LangServe app, built only on the public API.

    uvicorn agents.server:app --host 127.0.0.1 --port 8000     # or: hugginggpt serve

Offline defaults (no key needed); see ``hugginggpt_tools.server`` for routes and settings.
"""

from hugginggpt_tools.server import create_app

app = create_app()
