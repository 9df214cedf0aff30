"""Secrets out of logs, traces, answers and error messages.

:func:`redact` replaces every secret it knows in a text with ``[REDACTED]``: the values of
environment variables whose names say they hold one (``HF_TOKEN``, ``OPENAI_API_KEY``,
``HUGGINGGPT_API_KEYS``, ``*_SECRET``, ``*_PASSWORD``, ...), values given by the caller, and
anything shaped like a credential (Hugging Face ``hf_...`` tokens, ``sk-...`` keys, ``Bearer``
tokens, ``token=``/``api_key=`` URL parameters, ``user:password@`` in URLs). The package calls it
wherever an error is recorded (task results, plan notes, download errors, server answers);
:class:`RedactingFilter` does the same for log records and :func:`install_log_redaction` puts it
on the handlers of the root logger (the CLI does this).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "[REDACTED]"

_SECRET_NAME = re.compile(r"(TOKEN|API_?KEYS?|SECRET|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$",
                          re.IGNORECASE)
_MIN_SECRET_CHARS = 6
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bhf_[A-Za-z0-9]{20,}"), REDACTED),
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{16,}"), REDACTED),
    (re.compile(r"\b(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}"), REDACTED),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), REDACTED),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), REDACTED),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), REDACTED),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{6,}"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b(authorization|x-api-key|api[_-]?key|access[_-]?token|password|secret)(['\"]?\s*[:=]\s*['\"]?)"
                r"(?!\[REDACTED\]|bearer\b|basic\b)[^\s'\",;&}]{4,}"), r"\1\2" + REDACTED),
    (re.compile(r"(?i)([?&;](?:token|access_token|api[_-]?key|key|sig|signature|auth|password|secret|"
                r"x-amz-signature|x-amz-credential)=)[^&#\s'\"]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s:@'\"]+:[^/\s@'\"]+@"), r"\1" + REDACTED + "@"),
)


def secret_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of environment variables whose names say they hold a secret (longest first).

    ``HUGGINGGPT_API_KEYS`` and other comma-separated key lists count key by key.
    """
    env = os.environ if environ is None else environ
    found: set[str] = set()
    for name, value in env.items():
        if not value or not _SECRET_NAME.search(name):
            continue
        parts = [p.strip() for p in value.split(",")] if "KEYS" in name.upper() else [value.strip()]
        found.update(p for p in parts if len(p) >= _MIN_SECRET_CHARS)
    return sorted(found, key=len, reverse=True)


def redact(text: object, secrets: Iterable[str] | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """``text`` (made a string) with every known secret and credential-shaped value replaced.

    ``secrets`` adds values to hide beyond those of the environment (``environ``, default
    ``os.environ``).
    """
    out = text if isinstance(text, str) else str(text)
    values = set(secret_values(environ))
    values.update(s for s in (secrets or ()) if s and len(s) >= _MIN_SECRET_CHARS)
    for value in sorted(values, key=len, reverse=True):
        if value in out:
            out = out.replace(value, REDACTED)
    for pattern, replacement in _SHAPES:
        out = pattern.sub(replacement, out)
    return out


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's message (and traceback text) in place.

    Put it on a handler (``handler.addFilter(RedactingFilter())``): handler filters see the
    records of every logger, logger filters only their own logger's.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message, self.secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Add a :class:`RedactingFilter` to every handler of ``logger`` (default: the root logger).

    Idempotent; returns the filter. Call it after configuring logging.
    """
    target = logger or logging.getLogger()
    found = next((f for h in target.handlers for f in h.filters if isinstance(f, RedactingFilter)), None)
    flt = found or RedactingFilter()
    for handler in target.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    return flt


__all__ = ["REDACTED", "RedactingFilter", "install_log_redaction", "redact", "secret_values"]
