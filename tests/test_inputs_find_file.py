"""``inputs.find_file``: the one search that ``resolve_file`` (running a task) and
``execution.missing_files`` (refusing a request before any model runs) share."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.errors import InputError
from hugginggpt_tools.execution import missing_files
from hugginggpt_tools.inputs import find_file, resolve_file
from hugginggpt_tools.schemas import Plan, Task


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    work, given = tmp_path / "work", tmp_path / "given"
    (work / "sub").mkdir(parents=True)
    given.mkdir()
    (work / "here.png").write_bytes(b"png")
    (work / "sub" / "deep.png").write_bytes(b"png")
    (given / "photo.png").write_bytes(b"png")
    (work / "dangling.png").symlink_to(tmp_path / "nowhere.png")
    return {"work": work, "given": given}


def test_find_file_looks_as_given_then_by_name_among_the_files(places: dict[str, Path]) -> None:
    work, given = places["work"], places["given"]
    files = [str(given / "photo.png"), "sub/deep.png"]
    assert find_file("here.png", files, work) == work / "here.png"
    assert find_file(str(work / "here.png"), (), work) == work / "here.png"
    assert find_file("photo.png", files, work) == given / "photo.png"
    assert find_file("elsewhere/photo.png", files, work) == given / "photo.png"  # by its name
    assert find_file("deep.png", files, work) == work / "sub" / "deep.png"  # a relative given file, from cwd
    assert find_file("dangling.png", (), work) == work / "dangling.png"  # exists as a link: the policy decides
    assert find_file("sub", (), work) == work / "sub"
    for nothing in ("none.png", "photo.png\0", "sub/none.png"):
        assert find_file(nothing, files if nothing != "none.png" else (), work) is None, nothing


@pytest.mark.parametrize("value", ["here.png", "photo.png", "deep.png", "none.png", "sub/none.png", "other/photo.png",
                                   "dangling.png"])
def test_missing_files_and_resolve_file_agree(places: dict[str, Path], value: str) -> None:
    """A name ``missing_files`` passes is one ``resolve_file`` finds (it may still refuse it), and
    one it reports missing is one ``resolve_file`` says it did not find."""
    work, given = places["work"], places["given"]
    files = [str(given / "photo.png"), "sub/deep.png"]
    plan = Plan(tasks=[Task(id=1, task="image-classification", args={"image": value})])
    missing = missing_files(plan, files, cwd=work)
    try:
        resolve_file(value, files, work, roots=[given])
        not_found = False
    except InputError as exc:
        not_found = "not found" in str(exc)
    assert (missing == [value]) == not_found, (missing, not_found)
