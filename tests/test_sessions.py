"""Session ids, isolation and bounded memory."""

from __future__ import annotations

import pytest

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError
from hugginggpt_tools.sessions import SessionManager


@pytest.mark.parametrize("bad", ["", "../etc", ".hidden", "a/b", "x" * 129, "spa ce"])
def test_unsafe_session_ids_are_refused(tmp_path, bad):
    with pytest.raises(InputError, match="Invalid session id"):
        SessionManager(Settings(output_dir=tmp_path)).get(bad)


def test_same_id_same_session_and_none_is_private(tmp_path):
    sessions = SessionManager(Settings(output_dir=tmp_path))
    assert sessions.get("a") is sessions.get("a")
    assert sessions.get("a") is not sessions.get("b")
    assert sessions.get(None) is not sessions.get(None)
    assert sessions.get("a").store.folder == (tmp_path / "a").resolve()


def test_least_recently_used_session_is_dropped(tmp_path):
    sessions = SessionManager(Settings(output_dir=tmp_path), max_sessions=2)
    sessions.get("a"), sessions.get("b"), sessions.get("a"), sessions.get("c")
    assert "a" in sessions and "c" in sessions and "b" not in sessions
