"""Chat models from ``'provider:model'`` specs live in the library (:mod:`hugginggpt_tools.llms`):
the agent's ``llm='...'`` and the command line's ``--llm`` share them, and no library module reaches
up into :mod:`hugginggpt_tools.cli` (dependencies point one way, the CLI on top)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.llms import load_llm

PACKAGE = Path(__file__).resolve().parents[1] / "hugginggpt_tools"


def _imported(path: Path) -> set[str]:
    """The absolute names of the modules (and names) ``path`` imports, relative imports resolved."""
    package = ["hugginggpt_tools", *path.relative_to(PACKAGE).parts[:-1]]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_no_library_module_imports_the_cli():
    library = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in ("cli", "__main__.py")]
    upward = {str(p.relative_to(PACKAGE)): sorted(n for n in _imported(p) if n.startswith("hugginggpt_tools.cli"))
              for p in library}
    assert {path: names for path, names in upward.items() if names} == {}


def test_an_llm_spec_given_to_the_agent_loads_no_cli_module(tmp_path):
    code = ("import sys\n"
            "from hugginggpt_tools.agent_checks import checked_llm\n"
            "from hugginggpt_tools.errors import ConfigError\n"
            "try:\n    checked_llm('no-such-provider:some-model')\n"
            "except ConfigError as exc:\n    print(exc)\n"
            "print(sorted(m for m in sys.modules if m.startswith('hugginggpt_tools.cli')))\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    *error, loaded = done.stdout.splitlines()
    assert "llm='no-such-provider:some-model'" in "\n".join(error) and "provider:model" in "\n".join(error)
    assert loaded == "[]"


def test_the_cli_uses_the_library_loader():
    from hugginggpt_tools.cli import _common

    assert _common.load_llm is load_llm


def test_no_spec_is_no_model_and_a_bad_one_names_itself_and_the_fix():
    assert load_llm(None) is None and load_llm("") is None
    with pytest.raises(ConfigError, match=r"(?s)'no-such-provider:x'.*provider:model.*API key"):
        load_llm("no-such-provider:x")
