"""Results over several files name their file, text tasks too: "compare the sentiment of complaint.txt and
news.txt" gives "task 0 (text-classification of complaint.txt)", and the summaries of two recordings name the
recording their transcript came from ("task 1 (summarization of lecture.wav)"), through the references."""

from __future__ import annotations

from hugginggpt_tools.response import summarize
from hugginggpt_tools.schemas import Plan, Ref, Task, TaskResult


def _ok(task_id: int, task: str, text: str) -> TaskResult:
    return TaskResult(task_id=task_id, task=task, status="succeeded", model_id="bundled/m", backend="bundled",
                      text=text)


def test_classifications_of_two_text_files_name_their_file():
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "complaint.txt"}),
                       Task(id=1, task="text-classification", args={"text": "news.txt"})])
    answer = summarize("Compare the sentiment of complaint.txt and news.txt", plan, [],
                       [_ok(0, "text-classification", "sentiment: negative"),
                        _ok(1, "text-classification", "sentiment: neutral")])
    assert "task 0 (text-classification of complaint.txt): sentiment: negative" in answer
    assert "task 1 (text-classification of news.txt): sentiment: neutral" in answer


def test_summaries_of_two_transcripts_name_the_recording_they_came_from():
    plan = Plan(tasks=[
        Task(id=0, task="automatic-speech-recognition", args={"audio": "lecture.wav"}),
        Task(id=1, task="summarization", dep=[0], args={"text": Ref(task_id=0)}),
        Task(id=2, task="automatic-speech-recognition", args={"audio": "talk.wav"}),
        Task(id=3, task="summarization", dep=[2], args={"text": Ref(task_id=2)})])
    results = [_ok(0, plan.tasks[0].task, "the lecture"), _ok(1, "summarization", "lecture summary"),
               _ok(2, plan.tasks[2].task, "the talk"), _ok(3, "summarization", "talk summary")]
    answer = summarize("Summarize lecture.wav and talk.wav", plan, [], results)
    assert "task 1 (summarization of lecture.wav): lecture summary" in answer
    assert "task 3 (summarization of talk.wav): talk summary" in answer


def test_one_file_or_a_literal_text_is_not_named():
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "complaint.txt"}),
                       Task(id=1, task="text-classification", args={"text": "I love it. It works."})])
    answer = summarize("q", plan, [], [_ok(0, "text-classification", "negative"), _ok(1, "text-classification", "positive")])
    assert "of complaint.txt" not in answer and "task 1 (text-classification):" in answer
