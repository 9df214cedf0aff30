"""The stand-ins for one type asked for that no model here can give share one "Stand-ins:" line."""

from __future__ import annotations

from hugginggpt_tools.response import stand_in_note
from hugginggpt_tools.schemas import TaskResult


def _ran(task_id: int, task: str, stands_in_for: str | None = None) -> TaskResult:
    return TaskResult(task_id=task_id, task=task, status="succeeded", stands_in_for=stands_in_for, text="x")


def test_the_two_steps_of_the_emotion_stand_in_are_one_line() -> None:
    """It read two lines, one per step, each saying the same thing of the type asked for."""
    results = [_ran(0, "automatic-speech-recognition", "audio-classification"),
               _ran(1, "text-classification", "audio-classification")]
    assert stand_in_note(results) == (
        "Stand-ins:\n- task 0 ran automatic-speech-recognition and task 1 text-classification for the "
        "audio-classification asked for, which no model here can give")


def test_two_files_and_other_stand_ins_keep_their_order() -> None:
    results = [_ran(0, "automatic-speech-recognition", "audio-classification"),
               _ran(1, "text-classification", "audio-classification"),
               _ran(2, "object-detection", "visual-question-answering"),
               _ran(3, "automatic-speech-recognition", "audio-classification"),
               _ran(4, "text-classification", "audio-classification"),
               _ran(5, "text-to-speech")]
    assert stand_in_note(results).splitlines() == [
        "Stand-ins:",
        "- tasks 0 and 3 ran automatic-speech-recognition and tasks 1 and 4 text-classification for the "
        "audio-classification asked for, which no model here can give",
        "- task 2 ran object-detection for the visual-question-answering asked for, which no model here can give"]
