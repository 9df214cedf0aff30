"""The manifest of a saved model index, and the checks a load makes against it.

``manifest.json`` records ``format_version``, ``embedding_model``, ``embedding_max_tokens``,
``dimension``, ``count``, ``cards_sha256``, ``index_sha256``, ``faiss_index_type``, ``nprobe``
and ``built_at``. A load refuses a folder whose files, embedder or counts disagree with it,
with a :class:`~hugginggpt_tools.errors.ModelIndexError` that says how to rebuild.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import ModelIndexError
from .vector_store import INDEX_TYPES

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
INDEX_FILE, CARDS_FILE, MANIFEST_FILE = "index.faiss", "cards.jsonl", "manifest.json"
REBUILD_FIX = "Rebuild the index with: hugginggpt index build"


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def max_tokens(embedder: Any) -> int | None:
    """The token limit an embedder cuts texts at (its ``max_seq_length``), or None."""
    value = getattr(embedder, "max_seq_length", None)
    return int(value) if isinstance(value, int) else None


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the index in ``folder``; :class:`ModelIndexError` when missing or unreadable."""
    path = folder / MANIFEST_FILE
    if not folder.is_dir() or not path.is_file():
        raise ModelIndexError(f"No model index at {str(folder)!r} (no {MANIFEST_FILE}). {REBUILD_FIX}")
    missing = [name for name in (INDEX_FILE, CARDS_FILE) if not (folder / name).is_file()]
    if missing:
        raise ModelIndexError(f"The model index at {str(folder)!r} lacks {', '.join(missing)}. {REBUILD_FIX}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelIndexError(f"{path} is not valid JSON ({exc}). {REBUILD_FIX}") from exc
    keys = ("format_version", "embedding_model", "dimension", "count", "cards_sha256")
    absent = [k for k in keys if not isinstance(manifest, dict) or k not in manifest]
    if absent:
        raise ModelIndexError(f"{path} lacks {', '.join(absent)}. {REBUILD_FIX}")
    return manifest


def check_manifest(folder: Path, manifest: dict[str, Any], embedder: Any) -> None:
    """Format, embedding model, token limit and file checksums against what is on disk."""
    if manifest["format_version"] not in READABLE_VERSIONS:
        raise ModelIndexError(
            f"The model index at {str(folder)!r} has format_version {manifest['format_version']!r}; "
            f"this version reads {', '.join(map(str, READABLE_VERSIONS))}. {REBUILD_FIX}"
        )
    if manifest["embedding_model"] != embedder.name:
        raise ModelIndexError(
            f"The model index at {str(folder)!r} was built with embedding model "
            f"{manifest['embedding_model']!r} but the embedder is {embedder.name!r}. "
            f"Pass an embedder of {manifest['embedding_model']!r}, or rebuild the index with: hugginggpt index build"
        )
    built, ours = manifest.get("embedding_max_tokens"), max_tokens(embedder)
    if built is not None and ours is not None and built != ours:
        raise ModelIndexError(
            f"The model index at {str(folder)!r} was embedded with texts cut at {built} tokens but the "
            f"embedder cuts at {ours}. Pass Embedder(max_seq_length={built}), or {REBUILD_FIX[0].lower()}{REBUILD_FIX[1:]}"
        )
    for name, key in ((CARDS_FILE, "cards_sha256"), (INDEX_FILE, "index_sha256")):
        if key not in manifest:
            continue
        actual = file_sha256(folder / name)
        if actual != manifest[key]:
            raise ModelIndexError(
                f"{folder / name} changed since the index was built (sha256 {actual[:12]}..., "
                f"manifest says {str(manifest[key])[:12]}...). {REBUILD_FIX}"
            )


def check_contents(folder: Path, manifest: dict[str, Any], cards: list[Any], index_type: str, vectors: int,
                   dimension: int) -> None:
    """Card count, vector count, dimension and FAISS index type against the manifest."""
    found = {"count": len(cards), "vectors": vectors, "dimension": dimension}
    expected = {"count": manifest["count"], "vectors": manifest["count"], "dimension": manifest["dimension"]}
    if manifest.get("faiss_index_type") in INDEX_TYPES:
        found["faiss_index_type"], expected["faiss_index_type"] = index_type, manifest["faiss_index_type"]
    wrong = [f"{k} {found[k]} (manifest: {expected[k]})" for k in found if found[k] != expected[k]]
    if wrong:
        raise ModelIndexError(f"The model index at {str(folder)!r} does not match its manifest: "
                              f"{'; '.join(wrong)}. {REBUILD_FIX}")


__all__ = [
    "CARDS_FILE",
    "FORMAT_VERSION",
    "INDEX_FILE",
    "MANIFEST_FILE",
    "READABLE_VERSIONS",
    "REBUILD_FIX",
    "check_contents",
    "check_manifest",
    "file_sha256",
    "max_tokens",
    "read_manifest",
]
