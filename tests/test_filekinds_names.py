"""One rule for what a file holds by its name (:func:`~hugginggpt_tools.filekinds.name_modality`),
shared by the planner and by the suggestions made for a file given with nothing planned for it."""

from __future__ import annotations

from pathlib import Path

from hugginggpt_tools.filekinds import file_modality, name_modality
from hugginggpt_tools.planning.resources import file_modality as planned_modality
from hugginggpt_tools.response import nothing_planned
from hugginggpt_tools.schemas import Plan


def test_a_log_or_word_file_is_text_to_the_planner_and_to_the_suggestions(tmp_path: Path) -> None:
    """A text argument reads notes.log and letter.doc; nothing was suggested for them."""
    for name in ("notes.log", "letter.doc"):
        path = tmp_path / name
        path.write_text("Met the builder on Monday; the roof is done.\n")
        assert name_modality(name) == planned_modality(name) == file_modality(path) == "text"
    message = nothing_planned(Plan(tasks=[]), [str(tmp_path / "notes.log")])
    assert "'summarize notes.log'" in message


def test_what_a_file_holds_by_its_name_is_as_before(tmp_path: Path) -> None:
    """Tables are text to a suggestion, ``text/*`` files too (main.py); the planner keeps its tables."""
    assert [name_modality(n) for n in ("a.png", "b.mp3", "c.mp4", "d.csv", "e.pdf", "f.py", "g", "h.zip")] == [
        "image", "audio", "video", "table", "text", None, None, None]
    assert [file_modality(tmp_path / n) for n in ("d.csv", "d.xlsx", "f.py", "p.xhtml", "h.zip", "g")] == [
        "text", "text", "text", "text", None, None]
