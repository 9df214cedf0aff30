"""The bundled models' onnxruntime sessions are built with one set of options (memory reuse off,
threads from Settings): opening RapidOCR's sessions took 0.2 s with memory reuse on, 0.1 s off."""

from __future__ import annotations

from pathlib import Path

import pytest

from hugginggpt_tools.config import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _sessions(engine) -> dict[str, object]:
    """RapidOCR's three onnxruntime sessions by part."""
    return {"det": engine.text_det.infer.session, "cls": engine.text_cls.infer.session,
            "rec": engine.text_rec.session.session}


def test_the_shared_options_turn_memory_reuse_off_and_set_the_threads_keeping_the_rest() -> None:
    onnxruntime = pytest.importorskip("onnxruntime")
    from hugginggpt_tools.backends.bundled import onnx_session_options

    fresh = onnx_session_options(3)
    assert (fresh.enable_mem_reuse, fresh.intra_op_num_threads, fresh.inter_op_num_threads) == (False, 3, 3)
    assert fresh.enable_mem_pattern is True  # turning patterns off opened nothing faster

    own = onnxruntime.SessionOptions()
    own.enable_cpu_mem_arena = False
    own.log_severity_level = 4
    tuned = onnx_session_options(1, own)
    assert tuned is own
    assert (tuned.enable_mem_reuse, tuned.intra_op_num_threads, tuned.inter_op_num_threads) == (False, 1, 1)
    assert (tuned.enable_cpu_mem_arena, tuned.log_severity_level) == (False, 4)  # the library's own settings stay


@pytest.mark.integration
def test_rapidocr_sessions_open_without_memory_reuse_with_rapidocrs_own_settings_kept() -> None:
    """RapidOCR(...) built its sessions with memory reuse on: 0.2 s to open them rather than 0.1 s."""
    pytest.importorskip("rapidocr_onnxruntime")
    from rapidocr_onnxruntime import RapidOCR

    from hugginggpt_tools.backends._ocr import rapidocr_engine

    for part, session in _sessions(rapidocr_engine(2)).items():
        options = session.get_session_options()
        assert options.enable_mem_reuse is False, part
        assert (options.intra_op_num_threads, options.inter_op_num_threads) == (2, 2), part
        assert options.enable_cpu_mem_arena is False, part  # RapidOCR's own choice is kept
    # the wrapped options method is put back: an engine built the plain way is as RapidOCR makes it
    plain = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    assert all(s.get_session_options().enable_mem_reuse for s in _sessions(plain).values())


@pytest.mark.integration
def test_rapidocr_reads_the_same_lines_without_memory_reuse() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from rapidocr_onnxruntime import RapidOCR

    from hugginggpt_tools.backends._ocr import rapidocr_engine, read_lines

    image = str(EXAMPLES / "invoice.png")
    fast = read_lines(rapidocr_engine(1), image)
    assert fast and fast == read_lines(RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1), image)


@pytest.mark.integration
def test_a_rapidocr_without_the_options_method_is_built_as_it_comes(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from rapidocr_onnxruntime.utils import infer_engine

    from hugginggpt_tools.backends._ocr import rapidocr_engine

    class Elsewhere:  # another version: no _init_sess_opts to wrap where it is looked for
        pass

    monkeypatch.setattr(infer_engine, "OrtInferSession", Elsewhere)
    engine = rapidocr_engine(1)
    assert all(s.get_session_options().enable_mem_reuse for s in _sessions(engine).values())
    assert not hasattr(Elsewhere, "_init_sess_opts")


@pytest.mark.integration
def test_the_bundled_ocr_model_opens_its_sessions_without_memory_reuse() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from hugginggpt_tools.backends.bundled import RapidOCRModel

    model = RapidOCRModel(Settings(num_threads=1))
    model.load()
    assert not any(s.get_session_options().enable_mem_reuse for s in _sessions(model.engine).values())


@pytest.mark.integration
def test_the_piper_voice_takes_its_threads_from_the_setting() -> None:
    pytest.importorskip("piper")
    from hugginggpt_tools.backends.bundled import PiperTTSModel

    model = PiperTTSModel(Settings(num_threads=2))
    model.load()
    options = model.voice.session.get_session_options()
    assert (options.enable_mem_reuse, options.intra_op_num_threads, options.inter_op_num_threads) == (False, 2, 2)
