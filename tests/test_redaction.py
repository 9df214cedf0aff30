"""Secrets (API keys, HF tokens, URL credentials) never reach logs, task errors, answers or HTTP replies."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from helpers import fake_agent

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.inputs import download
from hugginggpt_tools.policy import URLPolicy
from hugginggpt_tools.redaction import REDACTED, RedactingFilter, install_log_redaction, redact, secret_values
from hugginggpt_tools.schemas import Plan, Task
from hugginggpt_tools.testing import FakeBackend, fake_choice, scripted_chat_model

HF = "hf_QwErTyUiOpAsDfGhJkLzXcVbNm1234"
KEY = "server-key-with-no-shape-9981"


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", HF)
    monkeypatch.setenv("HUGGINGGPT_API_KEYS", f"other-key-77777,{KEY}")


def leaky(inputs: dict[str, str], ctx: object) -> str:
    raise RuntimeError(f"401 from https://api.example/v1?api_key={KEY} with token {HF}")


def test_secret_values_come_from_secret_looking_variables() -> None:
    found = secret_values({"HF_TOKEN": HF, "HUGGINGGPT_API_KEYS": f"a-long-key-1, {KEY}", "HOME": "/root",
                           "DB_PASSWORD": "pw", "MY_SECRET": "s3cr3t-value"})
    assert set(found) == {HF, "a-long-key-1", KEY, "s3cr3t-value"}  # short values are not secrets
    assert redact("nothing to hide") == "nothing to hide"
    assert redact(f"{KEY}{KEY}") == REDACTED * 2 and redact("x", secrets=["x"]) == "x"


def test_task_errors_and_logs_are_redacted(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    backend = FakeBackend(handlers={"summarization": leaky})
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path, "s"), Settings(output_dir=tmp_path))
    with caplog.at_level(logging.DEBUG):
        [result] = executor.run(Plan(tasks=[Task(id=0, task="summarization", args={"text": "x"})]),
                                [fake_choice(0, "summarization")])
    assert result.status == "failed" and "RuntimeError: 401" in result.error
    for text in (result.error, caplog.text, result.model_dump_json()):
        assert HF not in text and KEY not in text
    assert REDACTED in result.error


def test_answers_and_traces_are_redacted(tmp_path: Path) -> None:
    for llm in (None, scripted_chat_model([f"Sorry, the model said {HF}."])):
        agent = fake_agent(Settings(output_dir=tmp_path), {"fake/sum": ("summarization", leaky)}, llm)
        state = agent.invoke({"input": f"Summarize this: my key is {KEY}"})
        dumped = state["answer"].model_dump_json()
        assert HF not in state["output"] and KEY not in state["output"]
        assert HF not in json.dumps([r.error for r in state["answer"].results])
        assert "failed" in state["output"] and HF not in dumped  # the user's own words may stay; env secrets not


def test_download_errors_hide_url_credentials(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = ArtifactStore(tmp_path, "s")
    policy = URLPolicy(allowed_hosts=("127.0.0.1",))
    with caplog.at_level(logging.DEBUG), pytest.raises(InputError) as info:
        download("http://127.0.0.1:9/x.png?token=QUERYSECRET123&size=2", store, policy=policy, timeout_s=2)
    assert "QUERYSECRET123" not in str(info.value) and "token=[REDACTED]" in str(info.value)
    assert "QUERYSECRET123" not in caplog.text


def test_log_filter_redacts_messages_arguments_and_tracebacks() -> None:
    logger = logging.getLogger("hugginggpt_tools.test_redaction")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["extra-secret-value"]))
    logger.addHandler(handler)
    try:
        logger.warning("token %s and %s", HF, "extra-secret-value")
        try:
            raise ValueError(f"bad key {KEY}")
        except ValueError:
            logger.exception("failed with Authorization: Bearer abcdefghijklmnop")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert HF not in out and KEY not in out and "extra-secret-value" not in out and "abcdefghijklmnop" not in out
    assert out.count(REDACTED) >= 4 and "ValueError: bad key" in out


def test_install_log_redaction_is_idempotent() -> None:
    root = logging.getLogger("hugginggpt_tools.test_install")
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    try:
        first, second = install_log_redaction(root), install_log_redaction(root)
        assert first is second and handler.filters == [first]
    finally:
        root.removeHandler(handler)


def test_server_replies_never_echo_keys(tmp_path: Path) -> None:
    pytest.importorskip("langserve")
    from starlette.testclient import TestClient

    from hugginggpt_tools.server import create_app

    agent = fake_agent(Settings(output_dir=tmp_path), {"fake/sum": ("summarization", leaky)})
    client = TestClient(create_app(agent, settings=Settings(output_dir=tmp_path), rate_limit=0))
    assert client.get("/hugginggpt/input_schema").status_code == 401  # keys from HUGGINGGPT_API_KEYS
    wrong = client.get("/hugginggpt/input_schema", headers={"X-API-Key": f"{KEY}x"})
    assert wrong.status_code == 401 and KEY not in wrong.text
    answer = client.post("/hugginggpt/invoke", headers={"X-API-Key": KEY}, json={"input": {"input": "Summarize: hi"}})
    assert answer.status_code == 200 and HF not in answer.text and KEY not in answer.text
