"""Test-wide settings: offline Hub, one thread (2-core machines slow down badly otherwise)."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HUGGINGGPT_NUM_THREADS", "1")
# a user catalog (models added with `hugginggpt models add`) must not leak into the tests
os.environ.setdefault("HUGGINGGPT_CATALOG_DIR", os.path.join(tempfile.gettempdir(), f"hugginggpt-test-catalog-{os.getpid()}"))
