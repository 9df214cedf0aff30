"""A package another thread is importing meanwhile: its module sits in ``sys.modules`` without a
``__spec__`` and ``importlib.util.find_spec`` raises ValueError. Two object-detection tasks at once
failed with "ValueError: cv2.__spec__ is None" (the Haar model looked for its cascade folder)."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

from hugginggpt_tools.backends.base import find_module_spec, missing_packages


def _half_imported(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    module = types.ModuleType(name)  # as a module looks while its import runs: __spec__ is None
    monkeypatch.setitem(sys.modules, name, module)
    with pytest.raises(ValueError, match="__spec__ is None"):
        importlib.util.find_spec(name)  # the race itself, as the standard library answers it


def test_find_module_spec_finds_a_package_being_imported_on_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    cv2 = pytest.importorskip("cv2")
    installed = Path(cv2.__file__).parent
    _half_imported(monkeypatch, "cv2")
    spec = find_module_spec("cv2")
    assert spec is not None and Path(list(spec.submodule_search_locations)[0]) == installed
    assert find_module_spec("surely_not_installed_pkg_x") is None
    assert find_module_spec("surely_not_installed_pkg_x.sub") is None  # a parent that is not there


def test_the_haar_model_finds_its_cascades_while_another_thread_imports_cv2(monkeypatch: pytest.MonkeyPatch) -> None:
    cv2 = pytest.importorskip("cv2")
    from hugginggpt_tools.backends import bundled_vision

    folder = Path(cv2.data.haarcascades)
    _half_imported(monkeypatch, "cv2")
    assert bundled_vision._cascade_dir() == folder
    assert bundled_vision.HaarCascadeModel.unavailable_reason() is None


def test_missing_packages_finds_a_package_find_spec_fails_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not yet in ``sys.modules`` when looked for, there when ``find_spec`` reads it: found on its path."""
    pytest.importorskip("cv2")

    def racing(name: str, package: str | None = None) -> None:
        raise ValueError(f"{name}.__spec__ is None")

    monkeypatch.delitem(sys.modules, "cv2")
    monkeypatch.setattr(importlib.util, "find_spec", racing)
    assert missing_packages(["cv2"]) == []
    assert missing_packages(["surely_not_installed_pkg_x"]) == ["surely_not_installed_pkg_x"]


def test_pyav_is_found_while_another_thread_imports_it(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("av")
    from hugginggpt_tools.backends import _audio

    _half_imported(monkeypatch, "av")
    assert _audio._has_pyav()
