"""Settings errors a first user meets: a bad HUGGINGGPT_* value, a misspelt keyword argument, an
unknown variable; and the README's Settings tables list every variable the package reads."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from hugginggpt_tools.config import ENV_VARIABLES, OTHER_VARIABLES, Settings, get_settings
from hugginggpt_tools.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_a_bad_variable_is_named_with_its_value_what_it_must_be_and_the_fix() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"HUGGINGGPT_TOP_K": "abc"})
    message = str(info.value)
    assert "HUGGINGGPT_TOP_K='abc' is not valid: it must be a whole number of at least 1" in message
    assert "HUGGINGGPT_TOP_K=5 (the default)" in message and "unset it" in message
    assert "validation error" not in message and "errors.pydantic.dev" not in message and "\n" not in message


def test_a_bound_and_every_bad_variable_are_named() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"HUGGINGGPT_TASK_TIMEOUT": "-1", "HUGGINGGPT_MAX_CONCURRENCY": "many"})
    message = str(info.value)
    assert "HUGGINGGPT_TASK_TIMEOUT='-1' is not valid: it must be a number above 0" in message
    assert "HUGGINGGPT_MAX_CONCURRENCY='many'" in message


def test_an_override_wins_over_a_bad_variable_and_a_bad_argument_is_named_as_one() -> None:
    assert Settings.from_env({"HUGGINGGPT_TOP_K": "abc"}, top_k=3).top_k == 3
    with pytest.raises(ConfigError, match=r"top_k='abc' is not valid: it must be a whole number .* top_k=5"):
        Settings(top_k="abc")
    with pytest.raises(ConfigError, match=r"^Invalid setting: top_k=0 is not valid"):
        Settings(top_k=0)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"outputdir": "x"}, r"unknown setting\(s\) 'outputdir' \(did you mean output_dir\?\)"),
    ({"bogus": 1}, r"unknown setting\(s\) 'bogus'\. The settings are: output_dir, index_dir"),
])
def test_an_unknown_keyword_argument_is_an_error_naming_the_closest_setting(kwargs: dict, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        Settings(**kwargs)
    with pytest.raises(ConfigError, match=expected):
        get_settings(**kwargs)


def test_an_unknown_variable_is_harmless_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    env = {"HUGGINGGPT_TOPK": "3", "HUGGINGGPT_API_KEYS": "k", "HUGGINGGPT_ZZZ_UNUSED_FOR_TEST": "1"}
    with caplog.at_level(logging.WARNING, logger="hugginggpt_tools.config"):
        assert Settings.from_env(env).top_k == 5
        Settings.from_env(env)
    warnings = [r.getMessage() for r in caplog.records]
    assert sum("HUGGINGGPT_TOPK" in w for w in warnings) == 1
    assert any("did you mean HUGGINGGPT_TOP_K?" in w for w in warnings)
    assert not any("HUGGINGGPT_API_KEYS" in w for w in warnings)


def _variables_read_by_the_package() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "hugginggpt_tools").rglob("*.py"):
        found |= set(re.findall(r"HUGGINGGPT_[A-Z][A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
    return found


def test_every_variable_read_is_known_and_in_the_readme_settings_tables() -> None:
    known = {var for var, _ in ENV_VARIABLES.values()} | set(OTHER_VARIABLES)
    assert set(ENV_VARIABLES) == set(Settings.model_fields)
    read = _variables_read_by_the_package()
    assert read <= known, read - known
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Settings\n"):readme.index("## Layout\n")]
    listed = set(re.findall(r"^\| `(HUGGINGGPT_[A-Z_]+)`", section, flags=re.M))
    assert listed == known, listed ^ known


def test_the_closest_name_ignores_case_and_keeps_its_spelling() -> None:
    """"ner2" got no hint from a toolkit (the alias is "NER"), which asked difflib twice to get one."""
    from hugginggpt_tools.errors import close_hint

    assert close_hint("ner2", ["summarization", "NER"]) == " (did you mean NER?)"
    assert close_hint("Top_K", ["top_k"]) == " (did you mean top_k?)"
