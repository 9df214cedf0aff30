"""Per-key rate limit on the LangServe app: token buckets, 429 with Retry-After, settings from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.ratelimit import RateLimiter, TokenBucket, retry_after

pytest.importorskip("langserve")

from starlette.testclient import TestClient  # noqa: E402

from hugginggpt_tools import create_hugginggpt_agent  # noqa: E402
from hugginggpt_tools.backends.base import Backends  # noqa: E402
from hugginggpt_tools.model_index.index import ModelIndex  # noqa: E402
from hugginggpt_tools.server import create_app, max_request_bytes, rate_limiter  # noqa: E402
from hugginggpt_tools.testing import FakeBackend, fake_card  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_refills_at_its_rate() -> None:
    bucket = TokenBucket(capacity=2, rate=0.5, tokens=2, updated=0.0)
    assert bucket.take(0.0) == 0.0 and bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(2.0)  # one token per 2 s
    assert bucket.take(1.0) == pytest.approx(1.0)
    assert bucket.take(2.0) == 0.0
    assert bucket.take(100.0) == 0.0 and bucket.tokens == pytest.approx(1.0)  # never above capacity


def test_rate_limiter_is_per_key_and_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, max_keys=2, clock=clock)
    assert [limiter.check("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.check("a") == pytest.approx(1.0) and limiter.check("b") == 0.0
    clock.now += 1.0
    assert limiter.check("a") == 0.0 and limiter.check("a") > 0
    limiter.check("c")
    assert len(limiter) == 2  # the least recently seen key was forgotten
    assert retry_after(0.01) == "1" and retry_after(2.2) == "3"
    with pytest.raises(ConfigError, match="HUGGINGGPT_RATE_LIMIT=0"):
        RateLimiter(per_minute=0, burst=1)


def test_limiter_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUGGINGGPT_RATE_LIMIT", "120")
    monkeypatch.setenv("HUGGINGGPT_RATE_BURST", "7")
    limiter = rate_limiter()
    assert limiter is not None and (limiter.per_minute, limiter.burst) == (120.0, 7)
    monkeypatch.setenv("HUGGINGGPT_RATE_LIMIT", "0")
    assert rate_limiter() is None
    monkeypatch.setenv("HUGGINGGPT_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="HUGGINGGPT_RATE_LIMIT='lots'"):
        rate_limiter()


def test_request_size_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUGGINGGPT_MAX_REQUEST_MB", raising=False)
    assert max_request_bytes() == 50 * 2**20
    monkeypatch.setenv("HUGGINGGPT_MAX_REQUEST_MB", " 0.5 ")
    assert max_request_bytes() == 2**19 and max_request_bytes(2) == 2 * 2**20
    for bad, why in (("50MB", "is not a number"), ("0", "must be a number above 0"),
                     ("-1", "must be a number above 0"), ("nan", "must be a number above 0"),
                     ("inf", "must be a number above 0")):
        monkeypatch.setenv("HUGGINGGPT_MAX_REQUEST_MB", bad)
        with pytest.raises(ConfigError, match=f"HUGGINGGPT_MAX_REQUEST_MB={bad!r} {why}.*set it to e.g. 50"):
            max_request_bytes()


def test_a_bad_request_size_limit_stops_the_app(monkeypatch: pytest.MonkeyPatch, agent: tuple[Any, Settings]) -> None:
    graph, settings = agent
    monkeypatch.setenv("HUGGINGGPT_MAX_REQUEST_MB", "lots")
    with pytest.raises(ConfigError, match="HUGGINGGPT_MAX_REQUEST_MB='lots' is not a number"):
        create_app(graph, settings=settings, api_keys=[], rate_limit=0)


@pytest.fixture
def agent(tmp_path: Path) -> tuple[Any, Settings]:
    settings = Settings(output_dir=tmp_path / "out")
    index = ModelIndex.build([fake_card("image-to-text", "fake/ocr")], HashEmbedder())
    backend = FakeBackend(handlers={"image-to-text": lambda i, c: "TEXT"})
    return create_hugginggpt_agent(planner="offline", settings=settings, index=index,
                                   backends=Backends([backend])), settings


def test_each_key_has_its_own_budget(agent: tuple[Any, Settings]) -> None:
    graph, settings = agent
    graph.invoke({"input": "hello"})  # load the planner first: a slow first request would refill the bucket
    client = TestClient(create_app(graph, settings=settings, api_keys=["key-a-123", "key-b-456"], rate_limit=60,
                                   rate_burst=2))
    a, b = {"X-API-Key": "key-a-123"}, {"Authorization": "Bearer key-b-456"}
    body = {"input": {"input": "hello"}}
    assert [client.post("/hugginggpt/invoke", json=body, headers=a).status_code for _ in range(2)] == [200, 200]
    limited = client.post("/hugginggpt/invoke", json=body, headers=a)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert "rate limit" in limited.json()["detail"] and "key-a" not in limited.text
    assert client.post("/hugginggpt/invoke", json=body, headers=b).status_code == 200
    assert all(client.get("/health").status_code == 200 for _ in range(5))  # never limited
    assert client.get("/hugginggpt/playground/", headers=a).status_code in (200, 307)  # static files are free


def test_wrong_keys_are_limited_by_address(agent: tuple[Any, Settings]) -> None:
    graph, settings = agent
    client = TestClient(create_app(graph, settings=settings, api_keys=["right-key-1"], rate_limit=60, rate_burst=3))
    codes = [client.get("/hugginggpt/input_schema", headers={"X-API-Key": f"guess-{i}"}).status_code
             for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert "guess" not in client.get("/hugginggpt/input_schema", headers={"X-API-Key": "guess-9"}).text
    assert client.get("/hugginggpt/input_schema", headers={"X-API-Key": "right-key-1"}).status_code == 200


def test_no_limit_when_turned_off(agent: tuple[Any, Settings]) -> None:
    graph, settings = agent
    client = TestClient(create_app(graph, settings=settings, api_keys=[], rate_limit=0))
    assert all(client.get("/hugginggpt/input_schema").status_code == 200 for _ in range(30))


def test_websockets_need_a_key_too(agent: tuple[Any, Settings]) -> None:
    from starlette.websockets import WebSocketDisconnect

    graph, settings = agent
    client = TestClient(create_app(graph, settings=settings, api_keys=["ws-key-123"], rate_limit=0))
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect("/hugginggpt/anything") as ws:
            ws.receive_text()
    assert info.value.code == 1008
