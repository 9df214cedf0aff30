"""Settings read from several threads at once: an unknown ``HUGGINGGPT_*`` variable is warned of
once, and a variable another thread unsets meanwhile is no ``KeyError``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping

import pytest

from hugginggpt_tools import config
from hugginggpt_tools.config import Settings


class _CheckedTogether(set):
    """A set of warned names whose membership check waits (briefly) for a second thread to check
    too: without a lock both threads find the name new and both warn."""

    def __init__(self) -> None:
        super().__init__()
        self.barrier = threading.Barrier(2)

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        try:
            self.barrier.wait(timeout=0.5)
        except threading.BrokenBarrierError:
            pass
        return found


def test_two_threads_meeting_an_unknown_variable_warn_of_it_once(monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(config, "_warned_variables", _CheckedTogether())
    env = {"HUGGINGGPT_TOPP_K": "3"}
    with caplog.at_level(logging.WARNING, logger="hugginggpt_tools.config"):
        threads = [threading.Thread(target=Settings.from_env, args=(env,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert sum("HUGGINGGPT_TOPP_K" in r.getMessage() for r in caplog.records) == 1


class _UnsetOnRead(Mapping):
    """An environment whose variables another thread unsets as soon as one is read."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = dict(values)

    def __getitem__(self, name: str) -> str:
        return self.values.pop(name)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.values))

    def __len__(self) -> int:
        return len(self.values)


def test_a_variable_unset_while_the_settings_are_read_is_read_once() -> None:
    env = _UnsetOnRead({"HUGGINGGPT_TOP_K": "3", "HUGGINGGPT_MODEL_DIRS": "a", "HUGGINGGPT_ZZZ_THREADS_TEST": "1"})
    settings = Settings.from_env(env)
    assert settings.top_k == 3 and [str(p) for p in settings.model_dirs] == ["a"]


def test_more_threads_than_cores_are_cut_to_the_cores(monkeypatch, caplog) -> None:
    """HUGGINGGPT_NUM_THREADS=1000 was taken as is: a 0.6 s OCR then took over 300 s."""
    monkeypatch.setattr(config.os, "cpu_count", lambda: 2)
    with caplog.at_level("WARNING"):
        assert Settings(num_threads=1000).num_threads == 2
    assert "HUGGINGGPT_NUM_THREADS to 2 or fewer" in caplog.text
    assert Settings.from_env({"HUGGINGGPT_NUM_THREADS": "2"}).num_threads == 2
