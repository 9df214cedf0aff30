"""The executor tells a model the part of the request about its input file (``RunContext.about``)."""

from __future__ import annotations

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.schemas import Plan, Task
from hugginggpt_tools.testing import FakeBackend, fake_choice


def test_each_image_task_is_told_what_the_request_asks_of_its_own_image(tmp_path) -> None:
    """"describe a.png and read the text in b.png": the text reader of b.png (whose fix for an image
    with no text fits what was asked of it) gets "read the text in b.png", not the whole request."""
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"not really a png")
    backend = FakeBackend(handlers={"image-to-text": lambda inputs, ctx: ctx.about,
                                    "summarization": lambda inputs, ctx: repr(ctx.about)})
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": str(tmp_path / "a.png")}),
                       Task(id=1, task="image-to-text", args={"image": str(tmp_path / "b.png")}),
                       Task(id=2, task="summarization", args={"text": "a text of several words"})])
    ex = Executor(Backends([backend]), ArtifactStore(tmp_path / "out"), Settings(output_dir=tmp_path / "out"))
    results = ex.run(plan, [fake_choice(0, "image-to-text"), fake_choice(1, "image-to-text"),
                            fake_choice(2, "summarization")],
                     request="describe a.png and read the text in b.png", files=[str(tmp_path / "a.png"),
                                                                              str(tmp_path / "b.png")])
    assert [r.text for r in results] == ["describe a.png", "read the text in b.png", "''"]
