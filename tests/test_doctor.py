"""``hugginggpt doctor``: the task types x backends matrix and its fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hugginggpt_tools.backends import default_backends
from hugginggpt_tools.backends.bundled import BUNDLED_MODELS
from hugginggpt_tools.cli import main
from hugginggpt_tools.config import Settings
from hugginggpt_tools.diagnostics import availability_matrix, matrix_json, matrix_text
from hugginggpt_tools.model_index.catalog import bundled_cards, llm_cards
from hugginggpt_tools.schemas import ModelCard
from hugginggpt_tools.tasks import TASK_TYPES
from hugginggpt_tools.testing import scripted_chat_model

HUB = ["transformers", "hf-inference"]


def _cards() -> list[ModelCard]:
    hub = [ModelCard(id=f"hub/{task}", task=task, backends=list(HUB), downloads=100) for task in TASK_TYPES]
    return hub + bundled_cards() + llm_cards()


def _cells(settings: Settings, llm: object = None) -> dict[tuple[str, str], object]:
    rows = availability_matrix(_cards(), default_backends(settings, llm=llm))
    return {(c.task, c.backend): c for row in rows for c in row}


@pytest.fixture(autouse=True)
def no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)


def test_offline_defaults(tmp_path: Path) -> None:
    cells = _cells(Settings(output_dir=tmp_path))
    for cls in BUNDLED_MODELS.values():
        cell = cells[(cls.task, "bundled")]
        assert cell.status == "available" and cls.model_id in cell.models
    assert cells[("translation", "bundled")].status == "n/a"
    transformers = cells[("image-to-text", "transformers")]
    assert transformers.status == "unavailable" and "`hf download hub/image-to-text`" in transformers.fix
    assert cells[("text-to-image", "transformers")].status == "n/a"
    remote = cells[("summarization", "hf-inference")]
    assert remote.status == "unavailable" and "HF_TOKEN" in remote.fix and "HF_HUB_OFFLINE" in remote.fix
    assert cells[("depth-estimation", "hf-inference")].status == "n/a"
    llm = cells[("translation", "llm")]
    assert llm.status == "unavailable" and "--llm provider:model" in llm.fix
    assert cells[("image-to-text", "llm")].status == "n/a"


def test_token_llm_and_local_weights_turn_cells_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", "hf_test")
    folder = tmp_path / "models" / "hub" / "summarization"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}")
    cells = _cells(Settings(output_dir=tmp_path, model_dirs=[tmp_path / "models"]), llm=scripted_chat_model(["x"]))
    assert cells[("summarization", "transformers")].models == ["hub/summarization"]
    assert cells[("summarization", "hf-inference")].status == "available"
    assert cells[("summarization", "llm")].models == ["controller-llm"]
    assert cells[("translation", "transformers")].status == "unavailable"


def test_a_missing_package_shows_its_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BUNDLED_MODELS["bundled/silero-vad"], "packages", ("silero_vad_not_installed_hgt",))
    cell = _cells(Settings(output_dir=tmp_path))[("audio-classification", "bundled")]
    assert cell.status == "unavailable" and cell.fix == "install them with pip install 'hugginggpt-tools[offline]'"


def test_text_and_json_renderings(tmp_path: Path) -> None:
    rows = availability_matrix(_cards(), default_backends(Settings(output_dir=tmp_path)))
    text = matrix_text(rows)
    assert text.splitlines()[0].split() == ["task", "type", "bundled", "transformers", "hf-inference", "llm"]
    bundled_tasks = {model.task for model in BUNDLED_MODELS.values()}
    assert f"{len(bundled_tasks)} of {len(TASK_TYPES)} task types can run now." in text
    # the fixes a user needs are those of the types nothing here runs; the others are optional upgrades
    missing = len(TASK_TYPES) - len(bundled_tasks)
    needed = text.split(f"To run the {missing} task types nothing here runs yet:\n")[1].split("\n\n")[0]
    assert "- hf-inference, 11 task types: unset HF_HUB_OFFLINE and set HF_TOKEN" in needed  # depth: n/a
    assert "`hf download hub/translation`" in needed and "`hf download hub/image-to-text`" not in text
    assert "`hugginggpt doctor --upgrades` lists their" in text
    upgrades = matrix_text(rows, upgrades=True).split("Optional upgrades: ")[1]
    assert "- transformers, image-to-text: download the weights with `hf download hub/image-to-text`" in upgrades
    assert "`hf download hub/translation`" not in upgrades and "`hugginggpt doctor --upgrades`" not in upgrades
    data = matrix_json(rows)
    assert set(data["tasks"]) == set(TASK_TYPES) and data["backends"] == ["bundled", "transformers", "hf-inference", "llm"]
    assert "automatic-speech-recognition" in data["runnable_now"] and "translation" not in data["runnable_now"]


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tasks"]["object-detection"]["bundled"]["models"] == ["bundled/opencv-haar-faces-people"]
    assert "model index" in data["cards_from"]
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "task types can run now" in out and "yes: bundled/faster-whisper-tiny.en" in out
    assert "Optional upgrades:" not in out
    assert main(["doctor", "--upgrades"]) == 0
    assert "Optional upgrades: these task types already run here" in capsys.readouterr().out


def test_a_fix_is_needed_only_where_nothing_runs(tmp_path: Path) -> None:
    """Before, `hugginggpt doctor` listed "transformers, text-classification: download ..." among the fixes to
    enable, though the bundled VADER and fastText already run it; with every type running, it needs no fix."""
    rows = availability_matrix(bundled_cards() + [ModelCard(id=f"hub/{m.task}", task=m.task, backends=list(HUB))
                                                  for m in BUNDLED_MODELS.values()],
                               default_backends(Settings(output_dir=tmp_path)), backend_names=("bundled", "transformers"))
    rows = [row for row in rows if row[0].status == "available"]
    text = matrix_text(rows)
    assert f"{len(rows)} of {len(rows)} task types can run now." in text
    assert "To run" not in text and "hf download" not in text
    upgradable = sum(row[1].status == "unavailable" for row in rows)  # transformers does not run audio-to-audio
    assert f"Optional upgrades for the {upgradable} task types that already run here" in text
    assert "- transformers, text-classification: download the weights" in matrix_text(rows, upgrades=True)
