"""The deterministic answer as a first-time user reads it: counts that add up, a multi-line result
laid out as one, no text said twice, and a stand-in for a type no model here gives says how to get one."""

from __future__ import annotations

from hugginggpt_tools.response import stand_in_note, summarize
from hugginggpt_tools.schemas import Artifact, ModelChoice, Plan, Ref, Task, TaskResult


def _ok(task_id: int, task: str, text: str, **kw) -> TaskResult:
    return TaskResult(task_id=task_id, task=task, status="succeeded", model_id="bundled/m", backend="bundled",
                      text=text, **kw)


def test_the_headline_counts_each_status_and_says_task_or_tasks():
    """"I ran 3 task(s) for your request; 1 succeeded." when one failed and one never ran."""
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "p.jpg"}),
                       Task(id=1, task="translation", dep=[0], args={"text": Ref(task_id=0)}),
                       Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})])
    results = [_ok(0, "image-to-text", "Concert in Paris"),
               TaskResult(task_id=1, task="translation", status="failed", error="no runnable model"),
               TaskResult(task_id=2, task="text-to-speech", status="skipped", error="it needs task 1")]
    text = summarize("read p.jpg in German aloud", plan, [], results)
    assert "I planned 3 tasks for your request: 1 succeeded, 1 failed and 1 was skipped." in text
    assert "task(s)" not in text
    one = summarize("read p.jpg", Plan(tasks=plan.tasks[:1]), [], results[:1])
    assert "I ran 1 task for your request; it succeeded." in one
    two = summarize("x", Plan(tasks=plan.tasks[:2]), [], [results[0], results[0].model_copy(update={"task_id": 1})])
    assert "I ran 2 tasks for your request; both succeeded." in two
    # no model ran at all (none could, or the input was refused): planned, not run
    failed = summarize("x", Plan(tasks=plan.tasks[1:2]), [], results[1:2])
    assert "I planned 1 task for your request; it failed before any model ran." in failed
    tried = results[1].model_copy(update={"attempts": ["bundled/m"]})
    assert "I ran 1 task for your request; it failed." in summarize("x", Plan(tasks=plan.tasks[1:2]), [], [tried])
    # none succeeded: said in words, not "0 succeeded"
    none = summarize("x", Plan(tasks=plan.tasks[1:]), [], results[1:])
    assert "I planned 2 tasks for your request; none succeeded: 1 failed before any model ran and 1 was skipped." \
        in none and "0 succeeded" not in none
    assert "I planned 2 tasks for your request; none succeeded: 1 failed and 1 was skipped." in summarize(
        "x", Plan(tasks=plan.tasks[1:]), [], [tried, results[2]])
    both = summarize("x", Plan(tasks=plan.tasks[1:2] * 1), [], [tried, tried.model_copy(update={"task_id": 2})])
    assert "I ran 2 tasks for your request; both failed." in both


def test_a_multi_line_result_is_indented_under_its_heading_and_not_repeated():
    """An OCR'd receipt came as "Result: Corner Cafe" with the other lines flush left, then the same
    four lines again under its task."""
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "receipt.png"})])
    result = _ok(0, "image-to-text", "Corner Cafe\nLatte 4.50\nTotal 7.75")
    text = summarize("read receipt.png", plan, [], [result])
    assert text.startswith("Result:\n   Corner Cafe\n   Latte 4.50\n   Total 7.75\n")
    assert text.count("Latte 4.50") == 1
    assert "task 0 (image-to-text) succeeded with bundled/m (bundled): the result above" in text
    single = summarize("read it", plan, [], [result.model_copy(update={"text": "Total 7.75"})])
    assert single.startswith("Result: Total 7.75\n") and single.count("Total 7.75") == 1


def test_results_of_several_tasks_each_keep_their_lines_and_a_consumed_text_stays_in_its_task_line():
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.png"}),
                       Task(id=1, task="image-to-text", args={"image": "b.png"}),
                       Task(id=2, task="text-to-speech", dep=[1], args={"text": Ref(task_id=1)})])
    wav = Artifact(id="w", path="/out/s.wav", mime_type="audio/x-wav", modality="audio", task_id=2)
    results = [_ok(0, "image-to-text", "line one\nline two"), _ok(1, "image-to-text", "spoken words"),
               _ok(2, "text-to-speech", "Spoke 12 characters: /out/s.wav", artifacts=[wav])]
    text = summarize("read a.png, and b.png aloud", plan, [], results)
    assert text.startswith("Result: line one\n") is False
    assert text.startswith("Result:\n   line one\n   line two\n")
    assert "task 1 (image-to-text of b.png) succeeded with bundled/m (bundled):\n   spoken words" in text
    finals = summarize("read a.png and b.png", Plan(tasks=plan.tasks[:2]), [], results[:2])
    assert finals.startswith("Results:\n- task 0 (image-to-text of a.png):\n   line one\n   line two\n"
                             "- task 1 (image-to-text of b.png): spoken words\n")


def test_a_stand_in_for_a_type_no_model_here_gives_says_how_to_get_one():
    """"What is the total on receipt.png?" said only that no document-question-answering model can
    run here; the choice's reason held the command that fetches one."""
    reason = ("no document-question-answering model can run here (no runnable model for document-question-"
              "answering: 22 catalog models, none can run now (transformers: weights of 'impira/layoutlm-invoices' "
              "not found locally; download the weights with `hf download impira/layoutlm-invoices` or set "
              "HUGGINGGPT_MODEL_DIRS to a folder holding them)); image-to-text stands in: its output holds the answer.")
    choice = ModelChoice(task_id=0, task="image-to-text", model_id="bundled/ocr", backend="bundled", reason=reason,
                         stands_in_for="document-question-answering")
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "receipt.png"})])
    result = _ok(0, "image-to-text", "Total 7.75", stands_in_for="document-question-answering")
    text = summarize("what is the total on receipt.png?", plan, [choice], [result])
    assert ("- task 0 ran image-to-text for the document-question-answering asked for, which no model here can "
            "give (to run one: `hf download impira/layoutlm-invoices`)") in text
    # no command in the reason: where to look
    bare = choice.model_copy(update={"reason": "no document-question-answering model can run here"})
    assert "which no model here can give (`hugginggpt doctor` shows how to run one)" in summarize(
        "x", plan, [bare], [result])
    # a warning that already gives the command is not repeated
    warned = result.model_copy(update={"warnings": ["download it: `hf download impira/layoutlm-invoices`"]})
    assert summarize("x", plan, [choice], [warned]).count("hf download impira/layoutlm-invoices") == 1
    # without the choices (an older caller) the line is as before
    assert stand_in_note([result]).endswith("which no model here can give")


def test_a_no_runnable_model_failure_lists_each_backends_fix_on_its_own_line():
    """The reason came as one 600-character line with three backends' fixes run together."""
    reason = ("no runnable model for translation: 31 catalog models, none can run now (transformers: weights of "
              "'Helsinki-NLP/opus-mt-en-de' not found locally; download the weights with `hf download "
              "Helsinki-NLP/opus-mt-en-de` or set HUGGINGGPT_MODEL_DIRS to a folder holding them; hf-inference: "
              "HF_HUB_OFFLINE=1 is set and no token or endpoint is configured; unset HF_HUB_OFFLINE and set HF_TOKEN; "
              "llm: not configured; to enable it, pass a chat model: hugginggpt run --llm provider:model)")
    plan = Plan(tasks=[Task(id=0, task="translation", args={"text": "hi", "target_language": "German"})])
    text = summarize("translate hi into German", plan, [],
                     [TaskResult(task_id=0, task="translation", status="failed", error=reason)])
    assert ("task 0 (translation) failed: no runnable model for translation: 31 catalog models, none can run now; "
            "to run one:\n"
            "   - transformers: weights of 'Helsinki-NLP/opus-mt-en-de' not found locally; download the weights with "
            "`hf download Helsinki-NLP/opus-mt-en-de` or set HUGGINGGPT_MODEL_DIRS to a folder holding them\n"
            "   - hf-inference: HF_HUB_OFFLINE=1 is set and no token or endpoint is configured; unset HF_HUB_OFFLINE "
            "and set HF_TOKEN\n"
            "   - llm: not configured; to enable it, pass a chat model: hugginggpt run --llm provider:model") in text
    # another failure keeps its one line
    other = summarize("x", plan, [], [TaskResult(task_id=0, task="translation", status="failed",
                                                 error="bundled/m: timed out (after 60 s; retry)")])
    assert other.endswith("task 0 (translation) failed: bundled/m: timed out (after 60 s; retry)")
