"""Load benchmark of the LangServe app: 2,000 requests at concurrency 32 on 127.0.0.1.

    .venv/bin/python benchmarks/server_load.py [--requests 2000] [--concurrency 32]

Starts ``hugginggpt serve``'s app (``create_app``: API-key auth, per-key rate limit, size limit,
offline planner, the shipped model index, the real bundled light models: fastText language
identification and spaCy NER) in a child process on 127.0.0.1, then sends ``/hugginggpt/invoke``
requests (three kinds of request, one API key each) plus one file upload in twenty. Reports
errors (any answer but 200 with an output, or a failed task; target 0), latency p50/p99,
throughput, and the server's memory (RSS) after warm-up and at the end (target: under 10%
growth). The load runs under a rate limit high enough not to bite; ``--rate-check`` then shows
a key over a small limit getting 429 with ``Retry-After``. Bounded: a fixed number of requests,
a time limit per request and for the whole run; the server is stopped at the end. Writes
``benchmarks/results/server_load.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "server_load.json"
KEYS = ["bench-key-a-0001", "bench-key-b-0002", "bench-key-c-0003"]
REQUESTS = [
    'Which language is this text written in: "Bonjour tout le monde, comment allez-vous ce matin ?"',
    "Find the names of people and places in: Ada Lovelace met Charles Babbage in London in 1833.",
    'Detect the language of "Dónde está la biblioteca más cercana, por favor?"',
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
WARMUP = 200
SNAPSHOT_EVERY = 250


def serve(port: int, rate_limit: float, burst: int) -> None:
    """The child process: the app on 127.0.0.1:``port`` (blocks until terminated)."""
    import uvicorn

    from hugginggpt_tools.server import create_app

    app = create_app(api_keys=KEYS, rate_limit=rate_limit, rate_burst=burst)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, rate_limit: float, burst: int, out_dir: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "HUGGINGGPT_OUTPUT_DIR": out_dir,
           "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, __file__, "--serve", str(port), "--rate-limit", str(rate_limit), "--burst", str(burst)]
    return subprocess.Popen(cmd, env=env, cwd=out_dir)


async def _wait_ready(base: str, deadline_s: float = 120) -> None:
    import httpx

    stop = time.monotonic() + deadline_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < stop:
            try:
                if (await client.get(f"{base}/health", timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise SystemExit(f"the server did not start within {deadline_s:.0f} s")


def _rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


async def _one(client: Any, base: str, k: int) -> tuple[float, str | None]:
    """Send request ``k``; (seconds, error or None)."""
    key = KEYS[k % len(KEYS)]
    started = time.perf_counter()
    try:
        if k % 20 == 19:
            answer = await client.post(f"{base}/files", files={"file": (f"page{k}.png", PNG)},
                                       headers={"X-API-Key": key})
            ok = answer.status_code == 200 and answer.json().get("bytes") == len(PNG)
        else:
            body = {"input": {"input": REQUESTS[k % len(REQUESTS)]}}
            answer = await client.post(f"{base}/hugginggpt/invoke", json=body, headers={"X-API-Key": key})
            ok = answer.status_code == 200 and _succeeded(answer.json())
        error = None if ok else f"HTTP {answer.status_code}: {answer.text[:200]}"
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
        error = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - started, error


def _succeeded(payload: dict[str, Any]) -> bool:
    answer = payload.get("output", {}).get("answer", {})
    results = answer.get("results") or []
    return bool(payload["output"].get("output")) and bool(results) and all(r["status"] == "succeeded" for r in results)


async def _load(base: str, pid: int, total: int, concurrency: int, deadline_s: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    memory: list[tuple[int, float]] = [(0, _rss_mb(pid))]
    gate = asyncio.Semaphore(concurrency)
    done = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        async def worker(k: int) -> None:
            nonlocal done
            async with gate:
                seconds, error = await _one(client, base, k)
            latencies.append(seconds)
            if error:
                errors.append(error)
            done += 1
            if done == WARMUP or done % SNAPSHOT_EVERY == 0 or done == total:
                memory.append((done, _rss_mb(pid)))

        started = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(*(worker(k) for k in range(total))), deadline_s)
        except asyncio.TimeoutError:
            errors.append(f"stopped: the run passed its {deadline_s:.0f} s limit after {done} requests")
        wall = time.perf_counter() - started
    return _report(latencies, errors, memory, wall, total, concurrency)


def _report(latencies: list[float], errors: list[str], memory: list[tuple[int, float]], wall: float, total: int,
            concurrency: int) -> dict[str, Any]:
    ordered, warm_ordered = sorted(latencies), sorted(latencies[WARMUP:])
    warm = next((mb for n, mb in memory if n >= WARMUP), memory[-1][1])
    end = memory[-1][1]
    return {
        "requests": total, "completed": len(latencies), "concurrency": concurrency, "errors": len(errors),
        "error_examples": sorted(set(errors))[:5], "wall_s": round(wall, 2),
        "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
        "latency_p50_ms": _ms(ordered, 0.5), "latency_p99_ms": _ms(ordered, 0.99), "latency_max_ms": _ms(ordered, 1),
        "latency_p50_ms_after_warmup": _ms(warm_ordered, 0.5), "latency_p99_ms_after_warmup": _ms(warm_ordered, 0.99),
        "rss_start_mb": round(memory[0][1], 1), "rss_after_warmup_mb": round(warm, 1), "rss_end_mb": round(end, 1),
        "rss_growth_after_warmup_pct": round(100 * (end - warm) / warm, 2),
        "rss_by_requests_done": [(n, round(mb, 1)) for n, mb in memory],
    }


def _ms(ordered: list[float], q: float) -> float | None:
    """The ``q`` quantile of sorted seconds, in milliseconds (nearest rank)."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def _rate_check(base: str) -> dict[str, Any]:
    """A burst from one key beyond the small limit of the second server: 429s with Retry-After."""
    import httpx

    async with httpx.AsyncClient(timeout=30) as client:
        answers = [await client.get(f"{base}/hugginggpt/input_schema", headers={"X-API-Key": KEYS[0]})
                   for _ in range(8)]
    limited = [a for a in answers if a.status_code == 429]
    return {"sent": len(answers), "ok": sum(a.status_code == 200 for a in answers), "limited_429": len(limited),
            "retry_after": limited[0].headers.get("retry-after") if limited else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate-limit", type=float, default=1_000_000.0, help="requests a minute per key")
    parser.add_argument("--burst", type=int, default=10_000)
    parser.add_argument("--deadline", type=float, default=1200.0, help="seconds for the whole load")
    parser.add_argument("--no-rate-check", action="store_true")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.rate_limit, args.burst)
        return
    with tempfile.TemporaryDirectory(prefix="hg-load-") as out_dir:
        port = _free_port()
        server = _start_server(port, args.rate_limit, args.burst, out_dir)
        try:
            base = f"http://127.0.0.1:{port}"
            asyncio.run(_wait_ready(base))
            report = asyncio.run(_load(base, server.pid, args.requests, args.concurrency, args.deadline))
        finally:
            server.terminate()
            server.wait(timeout=30)
        if not args.no_rate_check:
            port = _free_port()
            server = _start_server(port, 60, 5, out_dir)
            try:
                asyncio.run(_wait_ready(f"http://127.0.0.1:{port}"))
                report["rate_check"] = {"limit_per_minute": 60, "burst": 5,
                                        **asyncio.run(_rate_check(f"http://127.0.0.1:{port}"))}
            finally:
                server.terminate()
                server.wait(timeout=30)
    report["setup"] = ("create_app on 127.0.0.1 (uvicorn, 1 worker), offline planner, shipped index, bundled "
                       "fastText language ID + spaCy NER; API keys on; 1 in 20 requests a file upload")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    for name in ("requests", "completed", "errors", "wall_s", "throughput_rps", "latency_p50_ms", "latency_p99_ms",
                 "latency_p50_ms_after_warmup", "latency_p99_ms_after_warmup", "rss_after_warmup_mb", "rss_end_mb",
                 "rss_growth_after_warmup_pct"):
        print(f"{name:30s} {report[name]}")
    if "rate_check" in report:
        print(f"{'rate_check':30s} {report['rate_check']}")
    for example in report["error_examples"]:
        print("error:", example)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
