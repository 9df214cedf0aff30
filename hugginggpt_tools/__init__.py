"""hugginggpt-tools: HuggingGPT's four stages (plan, select, execute, respond) for LangChain.

Importing the package is cheap: the public names load their modules on first use, so torch,
transformers and faiss are imported only when a model actually runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "create_hugginggpt_agent": "pipeline",
    "create_hugginggpt_tool": "agent_tool",
    "HuggingGPTToolkit": "toolkit",
    "HuggingGPTError": "errors",
    "Settings": "config",
    "get_settings": "config",
    "ArtifactStore": "artifacts",
    "TASK_TYPES": "tasks",
    "get_task": "tasks",
    "check_plan": "dag",
    "Answer": "schemas",
    "Artifact": "schemas",
    "ModelCard": "schemas",
    "ModelChoice": "schemas",
    "Plan": "schemas",
    "Ref": "schemas",
    "Task": "schemas",
    "TaskResult": "schemas",
}

__all__ = [
    "Answer", "Artifact", "ArtifactStore", "HuggingGPTError", "HuggingGPTToolkit", "ModelCard", "ModelChoice",
    "Plan", "Ref",
    "Settings", "TASK_TYPES", "Task", "TaskResult", "__version__", "check_plan", "create_hugginggpt_agent",
    "create_hugginggpt_tool", "get_settings", "get_task",
]

if TYPE_CHECKING:  # pragma: no cover
    from .agent_tool import create_hugginggpt_tool
    from .artifacts import ArtifactStore
    from .config import Settings, get_settings
    from .dag import check_plan
    from .errors import HuggingGPTError
    from .pipeline import create_hugginggpt_agent
    from .schemas import Answer, Artifact, ModelCard, ModelChoice, Plan, Ref, Task, TaskResult
    from .tasks import TASK_TYPES, get_task
    from .toolkit import HuggingGPTToolkit


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hugginggpt_tools' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
