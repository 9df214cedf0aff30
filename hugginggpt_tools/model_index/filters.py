"""Metadata filters for model index searches: task type, licence, language, runnable now.

A :class:`CardFilter` is applied in two steps. The metadata parts (task, licences,
languages) become a boolean mask over the index's positions, built from the index's
inverted lists (no pass over the cards), and go to FAISS as a selector. The ``runnable``
predicate cannot be precomputed (whether weights are on disk changes), so it is checked on
the best-scored cards only, in order, until enough pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..schemas import ModelCard
from ..tasks import find_task
from .languages import CardLanguages, normalize_code


def canonical_task(task: str) -> str:
    """The registry name of ``task`` (aliases resolved); unknown names are kept as given."""
    found = find_task(task)
    return found.name if found is not None else task


def license_ids(license_value: str | None) -> list[str]:
    """The licence ids of a card's ``license`` (``"MIT, apache-2.0"`` -> ``["mit", "apache-2.0"]``)."""
    if not license_value:
        return []
    return [part.strip().lower() for part in license_value.split(",") if part.strip()]


def language_keys(languages: CardLanguages) -> set[str]:
    """The keys a card is listed under for language filtering: its codes, its id pair, ``*``."""
    keys = set(languages.codes)
    if languages.pair is not None:
        keys |= {c for c in languages.pair if c not in ("mul", "x")}
    if languages.multilingual or (languages.pair is not None and "mul" in languages.pair):
        keys.add("*")
    return keys


@dataclass(frozen=True)
class CardFilter:
    """Which cards a search may return.

    Attributes:
        task: a task type (pipeline tag or alias); None for every task.
        licenses: licence ids such as ``"mit"`` or ``"apache-2.0"`` (case-insensitive); a card
            passes when one of its licences is listed. Empty: any licence, or none.
        languages: language codes or names such as ``"de"`` or ``"German"``; a card passes when
            it lists one of them (in ``languages`` or as an id pair like ``en-de``) or says it is
            multilingual. Empty: any.
        runnable: a predicate checked on the best-scored cards only (e.g. "a configured backend
            can run it now").
    """

    task: str | None = None
    licenses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    runnable: Callable[[ModelCard], bool] | None = None

    @classmethod
    def of(cls, task: str | None = None, licenses: Iterable[str] = (), languages: Iterable[str] = (),
           runnable: Callable[[ModelCard], bool] | None = None) -> "CardFilter":
        """A filter with licences and languages normalised (lower-case ids, ISO codes)."""
        from .languages import LANGUAGE_NAMES

        codes = tuple(LANGUAGE_NAMES.get(v.strip().lower()) or normalize_code(v) for v in languages if v.strip())
        return cls(
            task=canonical_task(task) if task else None,
            licenses=tuple(v.strip().lower() for v in licenses if v.strip()),
            languages=codes,
            runnable=runnable,
        )

    @property
    def has_metadata(self) -> bool:
        """Whether the filter restricts by task, licence or language (what a mask can express)."""
        return bool(self.task or self.licenses or self.languages)


__all__ = ["CardFilter", "canonical_task", "language_keys", "license_ids"]
