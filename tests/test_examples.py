"""The example script runs every example request end to end offline and gets the real outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.integration
def test_run_examples_offline(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    env.pop("HF_TOKEN", None)
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "run_examples.py"), "--output-dir", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "10 of 10 examples gave the expected output" in proc.stdout
    assert "Invoice 1042 is due on Friday" in proc.stdout and "New York (GPE)" in proc.stdout
    assert len(list(tmp_path.rglob("detections-*.png"))) == 1 and list(tmp_path.rglob("denoised-*.wav"))


def test_example_inputs_are_small_and_present() -> None:
    files = [ROOT / "examples" / name for name in ("invoice.png", "speech.wav", "noisy_speech.wav", "portrait.jpg")]
    assert all(f.is_file() for f in files)
    assert sum(f.stat().st_size for f in files) < 1_000_000
