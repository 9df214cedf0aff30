"""Model card READMEs: YAML front matter and markdown body as card metadata and description.

Used for Hub READMEs (``hugginggpt index refresh``) and for the README of a local model folder
(``hugginggpt models add``). The cleaning rules are those the shipped catalog was made with
(``indexes/make_catalog.py`` calls :func:`clean_markdown`): code, HTML, images, links and URLs out,
plain text kept.
"""

from __future__ import annotations

import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

DESCRIPTION_CHARS = 1500
_NO_README = ("Entry not found",)
_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"```.*?(```|$)", re.S), " "),
    (re.compile(r"~~~.*?(~~~|$)", re.S), " "),
    (re.compile(r"<!--.*?-->", re.S), " "),
    (re.compile(r"<[^>\n]+>"), " "),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),
    (re.compile(r"!\[[^\]]*\]\[[^\]]*\]"), " "),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M), " "),
    (re.compile(r"https?://\S+|www\.\S+"), " "),
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),
    (re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M), " "),
    (re.compile(r"^\s*([-*_]\s*){3,}$", re.M), " "),
    (re.compile(r"\*\*|__|`"), ""),
    (re.compile(r"\s*\|\s*"), " | "),
    (re.compile(r"&nbsp;|&#\d+;|&[a-z]+;"), " "),
)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter of a README (``{}`` when absent or invalid) and the body after it."""
    match = _FRONT_MATTER.match(text or "")
    if match is None:
        return {}, text or ""
    import yaml  # local: only READMEs need it

    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        logger.warning("ignoring invalid README front matter (%s)", exc)
        meta = None
    return (meta if isinstance(meta, dict) else {}), text[match.end():]


def clean_markdown(text: str | None, max_chars: int = DESCRIPTION_CHARS) -> str:
    """``text`` (markdown) as plain text of at most ``max_chars`` characters."""
    out = "" if (text or "").strip() in _NO_README else (text or "")
    for pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    out = re.sub(r"(\s\|)+\s", " | ", " ".join(out.split())).strip(" |")
    if len(out) <= max_chars:
        return out
    head = out[: max_chars - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:|-") + "…"


def as_list(value: Any) -> list[str]:
    """A metadata value (a string, a list or nothing) as a list of non-empty strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v not in (None, "")]


def card_fields(meta: dict[str, Any]) -> dict[str, Any]:
    """Card fields from README metadata: ``languages``, ``license``, ``tags`` (datasets as ``dataset:x``)."""
    meta = meta if isinstance(meta, dict) else {}
    languages = as_list(meta.get("language") or meta.get("languages"))
    licenses = as_list(meta.get("license"))
    tags = as_list(meta.get("tags")) + [f"dataset:{d}" for d in as_list(meta.get("datasets"))]
    return {"languages": languages, "license": ", ".join(licenses) or None, "tags": tags}


__all__ = ["DESCRIPTION_CHARS", "as_list", "card_fields", "clean_markdown", "split_front_matter"]
