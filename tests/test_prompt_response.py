"""The LLM's response prompt names tasks as the rest of the answer does: "task <task_id>", ids from 0.

The deterministic answer, the progress lines, skip reasons and the notes appended to an LLM's
reply name a task by its plan id ("task 0"); an LLM left to itself numbers them from 1 ("Task 1:
I read the image"), so the same task read as two numbers in one answer.
"""

from __future__ import annotations

import asyncio
import re

from hugginggpt_tools.response import Responder
from hugginggpt_tools.schemas import Plan, Ref, Task, TaskResult
from hugginggpt_tools.testing import fake_choice, scripted_chat_model

PLAN = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.png"}),
                   Task(id=1, task="text-to-speech", dep=[0], args={"text": Ref(task_id=0)})])
RESULTS = [TaskResult(task_id=0, task="image-to-text", status="succeeded", text="Invoice 1042"),
           TaskResult(task_id=1, task="text-to-speech", status="failed", error="no voice")]
CHOICES = [fake_choice(0, "image-to-text"), fake_choice(1, "text-to-speech")]


def test_the_response_prompt_asks_for_task_ids_counted_from_zero():
    llm = scripted_chat_model(["Task 0 read the invoice; task 1 failed: no voice."])
    system, *_, user = Responder(llm).messages("read a.png aloud", PLAN, CHOICES, RESULTS)
    rule = system.content
    assert '"task <task_id>"' in rule and "the first task is \"task 0\"" in rule and "from 1" in rule
    assert "$" not in rule
    # the ids the rule points at are the ones the LLM is shown, from 0
    assert re.findall(r'"task_id": (\d+)', user.content)[:2] == ["0", "1"] and '"id": 0' in user.content
    text = asyncio.run(Responder(llm).arespond("read a.png aloud", PLAN, CHOICES, RESULTS))
    assert "task 1 (text-to-speech) failed: no voice" in text  # the appended note uses the same ids
