"""``hugginggpt serve``: what it tells the user before it serves."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("langserve")

from hugginggpt_tools.cli import main  # noqa: E402
from hugginggpt_tools.cli.serve import exposed  # noqa: E402


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> list[dict[str, Any]]:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("HUGGINGGPT_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.delenv("HUGGINGGPT_API_KEYS", raising=False)
    return calls


def test_serving_beyond_this_machine_without_keys_warns(served: list, capsys: pytest.CaptureFixture,
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert served == [{"host": "0.0.0.0", "port": 8123, "log_level": "warning", "timeout_graceful_shutdown": 10.0}]
    assert "warning: --host 0.0.0.0 serves beyond this machine without API keys" in err
    assert "HUGGINGGPT_API_KEYS" in err and f"outputs go to {(tmp_path / 'out').resolve()}" in err
    monkeypatch.setenv("HUGGINGGPT_API_KEYS", " , ")  # no key, as the server reads it: it serves openly
    assert main(["serve", "--host", "0.0.0.0"]) == 0 and "without API keys" in capsys.readouterr().err
    monkeypatch.setenv("HUGGINGGPT_API_KEYS", "s3cret")
    assert main(["serve", "--host", "0.0.0.0"]) == 0 and "warning" not in capsys.readouterr().err
    monkeypatch.delenv("HUGGINGGPT_API_KEYS")
    assert main(["serve"]) == 0 and "warning" not in capsys.readouterr().err  # 127.0.0.1


@pytest.mark.parametrize(("host", "beyond"), [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                              ("[::1]", False), ("0.0.0.0", True), ("::", True),
                                              ("192.168.1.5", True), ("myhost.example", True)])
def test_exposed_hosts(host: str, beyond: bool) -> None:
    assert exposed(host) is beyond
