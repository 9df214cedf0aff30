"""The command line as a first-time user meets it: a folder given as --file, progress lines."""

from __future__ import annotations

import pytest

from hugginggpt_tools.cli import main


def test_a_folder_given_as_file_says_it_is_a_folder_and_how_to_name_a_file_in_it(tmp_path, capsys):
    """It said "not a file (relative paths start at ...; check the name, or give the file's full path)"."""
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"")
    assert main(["run", "caption it", "--file", str(tmp_path / "photos")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --file {str(tmp_path / 'photos')!r} is a folder, not a file")
    assert f"--file {tmp_path / 'photos' / 'a.jpg'}" in err and "relative paths start" not in err
    (tmp_path / "empty").mkdir()
    assert main(["run", "caption it", "--file", str(tmp_path / "empty")]) == 2
    assert "give one --file per file in it (it holds none)" in capsys.readouterr().err


def test_a_task_that_no_model_ran_has_no_time_in_its_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    """"[task 1] translation failed in 0.00 s: no runnable model ..." timed nothing."""
    from hugginggpt_tools.cli.run import _progress

    _progress({"event": "task_finished", "task_id": 1, "task": "translation", "status": "failed",
               "model_id": None, "duration_s": 0.001, "error": "no runnable model for translation"})
    _progress({"event": "task_finished", "task_id": 2, "task": "summarization", "status": "failed",
               "model_id": "bundled/sum", "duration_s": 0.01, "error": "The text file 'e.txt' is empty"})
    assert capsys.readouterr().err.splitlines() == [
        "[task 1] translation failed: no runnable model for translation",
        "[task 2] summarization failed with bundled/sum in 0.01 s: The text file 'e.txt' is empty"]
