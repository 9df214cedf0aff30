"""Make the example inputs shipped in ``examples/`` (run once; the outputs are committed).

    python examples/make_examples.py

* ``invoice.png``: two lines of printed text on a white page (OCR; the README's main job).
  Uses DejaVu Sans when installed, else Pillow's built-in scalable font.
* ``speech.wav``: an English sentence with names, an organisation, a place and a day, spoken
  by the bundled Piper voice (en_US-joe-medium), 16 kHz mono (speech recognition, NER, VAD).
* ``noisy_speech.wav``: the same speech with seeded white noise at about 7 dB SNR (denoising;
  RNNoise raises it to about 14 dB). Whisper tiny.en transcribes both the noisy and the
  denoised file correctly; at much lower SNR denoising does not rescue it (RNNoise's artefacts
  hurt Whisper about as much as the noise does), so the example does not claim that.
* ``portrait.jpg``: a real face photo for the face detector. No drawing triggers a Haar face
  cascade, and no photo can be downloaded here, so it is the public-domain portrait of Grace
  Hopper (U.S. Navy photo) that matplotlib ships as sample data, scaled down.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
LINES = ["Invoice 1042 is due on Friday", "Total amount: 250 dollars"]
SPEECH = "Hello, this is Sarah from Microsoft. Our meeting in New York is moved to Tuesday."
SAMPLE_RATE = 16000
NOISE_STD = 0.05
PORTRAIT_WIDTH = 320


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",):
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def render_text_image(lines: list[str], path: Path, size: int = 40) -> Path:
    """Draw ``lines`` in black on white with generous margins and save to ``path``."""
    font = _font(size)
    width = max(int(font.getlength(line)) for line in lines) + 2 * size
    height = int(len(lines) * size * 1.6) + 2 * size
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((size, size + int(i * size * 1.6)), line, fill="black", font=font)
    image.save(path)
    return path


def synthesize_speech(text: str, path: Path, rate: int = SAMPLE_RATE) -> Path:
    """Speak ``text`` with the bundled Piper voice and save it as 16-bit mono WAV at ``rate``."""
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends._audio import read_wav, write_wav
    from hugginggpt_tools.backends.base import RunContext
    from hugginggpt_tools.backends.bundled import PiperTTSModel
    from hugginggpt_tools.config import Settings

    model = PiperTTSModel(Settings())
    model.load()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = RunContext(store=ArtifactStore(tmp), settings=Settings())
        spoken = model.predict({"text": text}, ctx).artifacts[0].path
        samples, _ = read_wav(spoken, rate)
    write_wav(path, samples, rate)
    return path


def add_noise(source: Path, path: Path, std: float = NOISE_STD, seed: int = 7) -> Path:
    """``source`` plus white Gaussian noise of standard deviation ``std`` (seeded), as WAV."""
    import numpy as np

    from hugginggpt_tools.backends._audio import read_wav, write_wav

    samples, rate = read_wav(source)
    noise = np.random.default_rng(seed).normal(0.0, std, len(samples)).astype(np.float32)
    write_wav(path, samples + noise, rate)
    return path


def portrait(path: Path, width: int = PORTRAIT_WIDTH) -> Path | None:
    """Matplotlib's public-domain Grace Hopper photo, scaled to ``width``; None without matplotlib."""
    try:
        from matplotlib import cbook
    except ImportError:
        print("matplotlib is not installed: no face photo (pip install matplotlib, or bring your own)")
        return None
    with Image.open(cbook.get_sample_data("grace_hopper.jpg")) as img:
        img = img.convert("RGB")
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
        img.save(path, quality=85)
    return path


def main() -> None:
    print(render_text_image(LINES, HERE / "invoice.png"))
    speech = synthesize_speech(SPEECH, HERE / "speech.wav")
    print(speech)
    print(add_noise(speech, HERE / "noisy_speech.wav"))
    print(portrait(HERE / "portrait.jpg"))


if __name__ == "__main__":
    main()
