"""The bundled audio models on recordings they have never seen: formats, rates, lengths, oddities.

    .venv/bin/python benchmarks/audio.py [--long-minutes 30] [--only wav16,mp3] [--skip-long]

Speaks known English sentences with the bundled Piper voice (22.05 kHz, its random noise off so
every run hears the same speech), then builds the
recordings users bring: phone memos (AAC in M4A at 8 and 16 kHz, AMR-NB), an MP3 podcast (44.1 kHz
stereo), stereo 44.1/48 kHz WAV, 24-bit and 32-bit float WAV, OGG/Opus, FLAC, a file with the
wrong extension, long silences, clipping, music under the speech, a DC offset, noise, a very
short clip, silence, an empty WAV, a truncated WAV, files that are not audio, and one long
recording (``--long-minutes``, the sentences in turn with pauses). Formats are written with PyAV
(``av``, which faster-whisper brings) and soundfile.

Each recording goes through the three bundled audio models, as the package runs them:
automatic-speech-recognition (Whisper tiny.en: word error rate against the spoken sentences,
seconds per audio minute), audio-to-audio (RNNoise: seconds per audio minute, whether the output
keeps the input's length) and audio-classification (Silero VAD: the label). Peak memory is the
largest Python/numpy allocation (``tracemalloc``) while decoding for Whisper; the process's peak
resident memory is printed at the end (run one case and ``--models asr`` to see one model's).
Seconds per audio minute are given as wall clock and as this process's CPU time (the machine may
be shared). Text-to-speech is
checked by transcribing what Piper says. Prints a Markdown table and writes
``benchmarks/results/audio.json``. Run it with one thread (``OMP_NUM_THREADS=1``, the default here).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
import tracemalloc
import wave
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Please send the quarterly report to the finance team before Friday.",
    "Our train leaves the station early in the morning, so pack your bags tonight.",
    "She planted tomatoes and basil in the garden behind the old house.",
]
SHORT = "Thank you."


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance over the reference's length (punctuation and case aside)."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref))


# ----------------------------------------------------------------------------- building recordings


def encode(path: Path, samples, rate: int, codec: str, fmt: str | None = None, channels: int = 1,
           bit_rate: int | None = None) -> None:
    """Write ``samples`` (mono, float) with PyAV's ``codec`` in container ``fmt``, copied to ``channels``."""
    import av
    import numpy as np

    data = np.tile(np.asarray(samples, np.float32)[None, :], (channels, 1))
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="fltp", layout=layout)
        frame.rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)


class Recordings:
    """The spoken sentences (Piper, 22.05 kHz) and the recordings built from them in ``folder``."""

    def __init__(self, folder: Path) -> None:
        import numpy as np

        from hugginggpt_tools.artifacts import ArtifactStore
        from hugginggpt_tools.backends._audio import read_wav
        from hugginggpt_tools.backends.base import RunContext
        from hugginggpt_tools.backends.bundled import PiperTTSModel
        from hugginggpt_tools.config import Settings

        self.folder = folder
        self.tts = PiperTTSModel(Settings(num_threads=1))
        self.tts.load()
        self.ctx = RunContext(store=ArtifactStore(folder / "tts"), settings=Settings(num_threads=1),
                              task="text-to-speech")
        self.spoken: dict[str, np.ndarray] = {}
        from piper.config import SynthesisConfig

        steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # the same speech on every run
        for i, text in enumerate([*SENTENCES, SHORT]):
            path = folder / f"spoken{i}.wav"
            with wave.open(str(path), "wb") as wav:
                self.tts.voice.synthesize_wav(text, wav, syn_config=steady)
            self.spoken[text], self.rate = read_wav(path)
        gap = np.zeros(int(0.4 * self.rate), np.float32)
        self.base = np.concatenate([self.spoken[SENTENCES[0]], gap, self.spoken[SENTENCES[1]]])
        self.base_text = " ".join(SENTENCES[:2])

    def at(self, rate: int, samples=None):  # noqa: ANN001, ANN201
        from hugginggpt_tools.backends._audio import resample

        return resample(self.base if samples is None else samples, self.rate, rate)

    def cases(self, long_minutes: float) -> dict[str, tuple[Callable[[Path], None], str, str]]:
        """name -> (writer of the file, file name, the words spoken)."""
        import numpy as np
        import soundfile as sf

        rng = np.random.default_rng(0)
        base, text, r = self.base, self.base_text, self.rate

        def sfw(samples, rate, subtype, channels=1, fmt=None):  # noqa: ANN001, ANN202
            data = np.tile(np.asarray(samples, np.float32)[:, None], (1, channels))
            return lambda p: sf.write(p, data, rate, subtype=subtype, format=fmt)

        def music(n: int, rate: int):  # noqa: ANN202
            t = np.arange(n) / rate
            notes = [220.0, 277.2, 329.6, 440.0]
            tone = sum(np.sin(2 * np.pi * f * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 0.5 * t + k))
                       for k, f in enumerate(notes))
            return (tone / len(notes)).astype(np.float32)

        def scaled(noise, snr_db: float):  # noqa: ANN001, ANN202
            ps, pn = float(np.mean(base ** 2)), float(np.mean(noise ** 2))
            return base + noise * np.sqrt(ps / pn / 10 ** (snr_db / 10))

        def silences(p: Path) -> None:
            gap = np.zeros(20 * r, np.float32)
            sf.write(p, self.at(16000, np.concatenate([gap, self.spoken[SENTENCES[0]], gap,
                                                       self.spoken[SENTENCES[1]], gap])), 16000, subtype="PCM_16")

        def truncated(p: Path) -> None:
            sf.write(p, self.at(16000), 16000, subtype="PCM_16")
            data = p.read_bytes()
            p.write_bytes(data[: len(data) // 2 + 1])  # cut mid-sample, header still says the full length

        def empty(p: Path) -> None:
            with wave.open(str(p), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)

        def long(p: Path) -> None:
            total = int(long_minutes * 60 * 16000)
            pause = np.zeros(16000, np.float32)
            units = [np.concatenate([self.at(16000, self.spoken[s]), pause]) for s in SENTENCES]
            with wave.open(str(p), "wb") as w:
                w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
                written, i = 0, 0
                while written < total:
                    unit = units[i % len(units)]
                    w.writeframes((np.clip(unit, -1, 1) * 32767).astype("<i2").tobytes())
                    written, i = written + len(unit), i + 1
            self.long_text = " ".join(SENTENCES[k % len(SENTENCES)] for k in range(i))

        def not_audio(p: Path) -> None:
            p.write_bytes((ROOT / "examples" / "invoice.png").read_bytes())

        cases = {
            "wav 16 kHz mono 16-bit": (sfw(self.at(16000), 16000, "PCM_16"), "a.wav", text),
            "wav 48 kHz stereo 16-bit": (sfw(self.at(48000), 48000, "PCM_16", 2), "a.wav", text),
            "wav 44.1 kHz stereo 16-bit": (sfw(self.at(44100), 44100, "PCM_16", 2), "a.wav", text),
            "wav 48 kHz stereo 24-bit": (sfw(self.at(48000), 48000, "PCM_24", 2), "a.wav", text),
            "wav 48 kHz stereo float32": (sfw(self.at(48000), 48000, "FLOAT", 2), "a.wav", text),
            "wav 8 kHz 8-bit": (sfw(self.at(8000), 8000, "PCM_U8"), "a.wav", text),
            "flac 48 kHz stereo 24-bit": (sfw(self.at(48000), 48000, "PCM_24", 2), "a.flac", text),
            "m4a aac 8 kHz mono (phone)": (lambda p: encode(p, self.at(8000), 8000, "aac", "mp4"), "a.m4a", text),
            "m4a aac 16 kHz mono": (lambda p: encode(p, self.at(16000), 16000, "aac", "mp4"), "a.m4a", text),
            "amr-nb 8 kHz (phone)": (lambda p: encode(p, self.at(8000), 8000, "libopencore_amrnb", "amr",
                                                      bit_rate=12200), "a.amr", text),
            "mp3 44.1 kHz stereo": (lambda p: encode(p, self.at(44100), 44100, "mp3", channels=2), "a.mp3", text),
            "ogg opus 48 kHz": (lambda p: encode(p, self.at(48000), 48000, "libopus", "ogg"), "a.ogg", text),
            "mp3 named .wav": (lambda p: encode(p, self.at(44100), 44100, "mp3", "mp3"), "a.wav", text),
            "m4a named .mp3": (lambda p: encode(p, self.at(16000), 16000, "aac", "mp4"), "a.mp3", text),
            "20 s silences around speech": (silences, "a.wav", text),
            "clipped (x8 gain)": (sfw(np.clip(self.at(16000) * 8, -1, 1), 16000, "PCM_16"), "a.wav", text),
            "music under speech (5 dB)": (sfw(self.at(16000, scaled(music(len(base), r), 5)) * 0.5, 16000,
                                              "PCM_16"), "a.wav", text),
            "white noise (5 dB SNR)": (sfw(self.at(16000, scaled(rng.normal(0, 1, len(base)), 5)) * 0.5, 16000,
                                           "PCM_16"), "a.wav", text),
            "dc offset +0.3": (sfw(self.at(16000) * 0.6 + 0.3, 16000, "PCM_16"), "a.wav", text),
            "very short (0.7 s)": (sfw(self.at(16000, self.spoken[SHORT]), 16000, "PCM_16"), "a.wav", SHORT),
            "3 s of silence": (sfw(np.zeros(48000, np.float32), 16000, "PCM_16"), "a.wav", ""),
            "empty wav (0 samples)": (empty, "a.wav", ""),
            "truncated wav (cut mid-sample, half kept)": (truncated, "a.wav", text),
            "png named .mp3": (not_audio, "a.mp3", ""),
            "text named .m4a": (lambda p: p.write_text("not audio\n"), "a.m4a", ""),
        }
        if long_minutes > 0:
            cases[f"long: {long_minutes:g} min wav 16 kHz"] = (long, "long.wav", "<long>")
        return cases


# ----------------------------------------------------------------------------- running the models


def first_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def measure(models: dict, path: Path, reference: str) -> dict:  # noqa: ANN001
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends._audio import read_audio
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.config import Settings

    row: dict = {}
    tracemalloc.start()
    try:
        samples, _ = read_audio(path, 16000)
        row["decodes"], row["audio_s"] = True, round(len(samples) / 16000, 2)
    except Exception as exc:  # noqa: BLE001 - the benchmark reports every failure
        row["decodes"], row["decode_error"] = False, first_line(exc)
        row["audio_s"] = 0.0
    row["decode_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2 ** 20, 1)
    tracemalloc.stop()
    minutes = max(row["audio_s"], 1e-9) / 60
    ctx = RunContext(store=ArtifactStore(path.parent / "out"), settings=Settings(num_threads=1), task="x")
    for key, model in models.items():
        started, cpu = time.perf_counter(), time.process_time()
        try:
            out = model.predict({"audio": str(path)}, ctx)
            row[key] = out.text if key == "asr" else out.data
            if key == "asr":
                starts = [segment["start"] for segment in out.data["segments"]]
                row["segments"], row["segments_in_order"] = len(starts), starts == sorted(starts)
        except Exception as exc:  # noqa: BLE001
            row[key + "_error"] = first_line(exc)
        row[key + "_s"], row[key + "_cpu_s"] = round(time.perf_counter() - started, 3), round(time.process_time() - cpu, 3)
        row[key + "_s_per_min"] = round(row[key + "_s"] / minutes, 2) if row["audio_s"] else None
        row[key + "_cpu_s_per_min"] = round(row[key + "_cpu_s"] / minutes, 2) if row["audio_s"] else None
    if "asr" in row:
        row["wer"] = round(wer(reference, row["asr"]), 3)
    if isinstance(row.get("denoise"), dict):
        row["denoise_length_kept"] = abs(row["denoise"]["duration_s"] - row["audio_s"]) < 0.05
    if isinstance(row.get("vad"), list):
        row["vad_label"] = row["vad"][0]["label"]
    return row


def tts_rows(rec: Recordings, asr) -> list[dict]:  # noqa: ANN001
    """What Piper says, transcribed back; an empty text and a long paragraph."""
    rows = []
    for name, text in [("tts: one sentence", SENTENCES[2]), ("tts: four sentences", " ".join(SENTENCES)),
                       ("tts: empty text", "   ")]:
        row: dict = {"case": name}
        started = time.perf_counter()
        try:
            out = rec.tts.predict({"text": text}, rec.ctx)
            row["tts_s"] = round(time.perf_counter() - started, 3)
            row["audio_s"] = out.data["duration_s"]
            row["wer"] = round(wer(text, asr.predict({"audio": out.artifacts[0].path}, rec.ctx).text), 3)
        except Exception as exc:  # noqa: BLE001
            row["tts_error"] = first_line(exc)
        rows.append(row)
    return rows


def per_minute(row: dict, key: str) -> str:
    if row.get(key + "_s_per_min") is None:
        return ""
    return f"{row[key + '_s_per_min']:.1f} / {row[key + '_cpu_s_per_min']:.1f}"


def table(rows: list[dict]) -> str:
    head = ("| case | decodes | WER | ASR s/audio min (wall / cpu) | denoise s/audio min (wall / cpu) | "
            "denoise len ok | VAD | decode peak MiB | error |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for row in rows:
        err = row.get("decode_error") or row.get("asr_error") or row.get("denoise_error") or row.get(
            "vad_error") or row.get("tts_error") or ""
        cells = [row["case"], "yes" if row.get("decodes", True) else "no",
                 "" if row.get("wer") is None else f"{row['wer']:.2f}",
                 per_minute(row, "asr"), per_minute(row, "denoise"),
                 {True: "yes", False: "NO", None: ""}[row.get("denoise_length_kept")],
                 row.get("vad_label", ""), str(row.get("decode_peak_mib", "")), err[:150].replace("|", "/")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long-minutes", type=float, default=30.0, help="length of the long recording (0: none)")
    parser.add_argument("--only", help="comma-separated substrings of the case names to run")
    parser.add_argument("--skip-tts", action="store_true")
    parser.add_argument("--models", default="asr,denoise,vad", help="which of asr, denoise, vad to run")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "audio.json"))
    args = parser.parse_args()

    from hugginggpt_tools.backends.bundled_audio import RNNoiseModel, SileroVADModel, WhisperTinyEnModel
    from hugginggpt_tools.config import Settings

    settings = Settings(num_threads=1)
    models = {"asr": WhisperTinyEnModel(settings), "denoise": RNNoiseModel(settings), "vad": SileroVADModel(settings)}
    models = {key: model for key, model in models.items() if key in args.models.split(",")}
    for model in models.values():
        model.load()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hg-audio-") as tmp:
        rec = Recordings(Path(tmp))
        for i, (name, (write, filename, reference)) in enumerate(rec.cases(args.long_minutes).items()):
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            folder = Path(tmp) / f"case{i}"
            folder.mkdir()
            path = folder / filename
            write(path)
            row = {"case": name, "file": filename, "bytes": path.stat().st_size}
            row.update(measure(models, path, rec.long_text if reference == "<long>" else reference))
            if isinstance(row.get("asr"), str) and len(row["asr"]) > 400:
                row["asr"] = row["asr"][:400] + " ..."
            rows.append(row)
            print(f"{name}: decodes={row['decodes']} wer={row.get('wer')} asr={row.get('asr_s_per_min')} s/min "
                  f"{row.get('decode_error') or row.get('asr_error') or ''}", file=sys.stderr, flush=True)
        if not args.skip_tts and "asr" in models:
            rows += tts_rows(rec, models["asr"])
    print(table(rows))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS: {peak_rss:.0f} MiB (models: {', '.join(models)})")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"threads": 1, "peak_rss_mib": round(peak_rss), "rows": rows}, indent=1, default=str) + "\n", "utf-8")


if __name__ == "__main__":
    main()
