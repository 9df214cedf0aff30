"""File arguments (paths, URLs, bytes, artifact ids) and the artifact store (ids, manifest, cleanup)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from helpers import http_server

from hugginggpt_tools.artifacts import MANIFEST, ArtifactStore, check_output_dir, prune_sessions
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError, InputError
from hugginggpt_tools.execution import resolve_args
from hugginggpt_tools.inputs import check_file_kind, download, is_url, local_file, sniff_kind, sniff_suffix, url_scheme
from hugginggpt_tools.schemas import Task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
BIG = b"x" * 5000


class _Files(BaseHTTPRequestHandler):
    """Serves /cat.png, /noext (a PNG without suffix), /big, /slow, /missing and a redirect."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/cat.png")
            self.end_headers()
            return
        if self.path == "/redirect-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/x.png")
            self.end_headers()
            return
        body = {"/cat.png": PNG, "/noext": PNG, "/big": BIG, "/slow": b"y" * 100}.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if body is PNG else "application/octet-stream")
        if self.path != "/slow":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/slow":
            for _ in range(20):
                self.wfile.write(b"y" * 5)
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with http_server(_Files) as httpd:
        yield f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture()
def store(tmp_path: Path) -> ArtifactStore:
    return ArtifactStore(tmp_path / "out", "s1")


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server is on 127.0.0.1, which the default URL policy refuses."""
    monkeypatch.setenv("HUGGINGGPT_ALLOWED_HOSTS", "127.0.0.1")


# ----------------------------------------------------------------------------- inputs


def test_url_schemes() -> None:
    assert url_scheme("https://x.org/a.png") == "https" and is_url("http://x.org/a")
    assert url_scheme("file:///etc/passwd") == "file" and not is_url("file:///etc/passwd")
    assert url_scheme("data:image/png;base64,AAAA") == "data"
    assert url_scheme("C:\\photos\\cat.png") is None and url_scheme("photos/cat.png") is None


@pytest.mark.parametrize("value", ["file:///etc/passwd", "ftp://example.com/a.png", "data:image/png;base64,AAAA",
                                   "gopher://x/1"])
def test_non_http_schemes_are_refused(value: str, store: ArtifactStore) -> None:
    with pytest.raises(InputError, match="only http:// and https://"):
        local_file(value, store)
    assert store.list() == []


def test_download_into_the_store(server: str, store: ArtifactStore) -> None:
    artifact = download(f"{server}/cat.png", store)
    assert Path(artifact.path).read_bytes() == PNG
    assert artifact.path.endswith(".png") and artifact.mime_type == "image/png" and artifact.modality == "image"
    assert Path(artifact.path).parent == store.folder and "cat" in Path(artifact.path).name
    assert download(f"{server}/noext", store).path.endswith(".png")  # suffix from the content type
    assert Path(download(f"{server}/redirect", store).path).read_bytes() == PNG


def test_download_limits_and_errors(server: str, store: ArtifactStore) -> None:
    with pytest.raises(InputError, match="larger than the limit"):
        download(f"{server}/big", store, max_bytes=1000)
    with pytest.raises(InputError, match="larger than the limit"):  # no Content-Length: counted while reading
        download(f"{server}/slow", store, max_bytes=50)
    with pytest.raises(InputError, match="took longer than 0.3 s"):
        download(f"{server}/slow", store, timeout_s=0.3)
    with pytest.raises(InputError, match="HTTP 404"):
        download(f"{server}/missing", store)
    with pytest.raises(InputError, match="only http:// and https://"):
        download(f"{server}/redirect-ftp", store)
    with pytest.raises(InputError, match="Could not download"):
        download("http://127.0.0.1:9/nothing-listens-here.png", store, timeout_s=2)
    assert store.list() == []


def test_bytes_paths_and_artifact_ids(tmp_path: Path, store: ArtifactStore) -> None:
    path = local_file(PNG, store)
    assert path.endswith(".png") and Path(path).read_bytes() == PNG
    artifact = store.list()[0]
    assert local_file(artifact.id, store) == artifact.path
    (tmp_path / "a.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    assert local_file("a.wav", store, cwd=tmp_path) == str((tmp_path / "a.wav").resolve())
    assert local_file("elsewhere/a.wav", store, files=[str(tmp_path / "a.wav")]) == str((tmp_path / "a.wav").resolve())
    with pytest.raises(InputError, match="not found"):
        local_file("nope.png", store, cwd=tmp_path)
    with pytest.raises(InputError, match="empty"):
        local_file(b"", store)
    with pytest.raises(InputError, match="need an artifact store"):
        local_file(PNG, None)


def test_sniffed_suffixes() -> None:
    assert sniff_suffix(PNG) == ".png" and sniff_suffix(b"\xff\xd8\xff\xe0") == ".jpg"
    assert sniff_suffix(b"RIFF\x00\x00\x00\x00WAVE") == ".wav" and sniff_suffix(b"fLaC") == ".flac"
    assert sniff_suffix(b"hello", ".bin") == ".bin"


def test_plan_arguments_may_be_urls(server: str, store: ArtifactStore) -> None:
    task = Task(id=0, task="image-classification", args={"image": f"{server}/cat.png"})
    resolved = resolve_args(task, {}, store=store,
                            settings=Settings(download_max_bytes=10_000, allowed_hosts=["127.0.0.1"]))
    assert Path(resolved["image"]).read_bytes() == PNG
    with pytest.raises(InputError, match="larger than the limit"):
        resolve_args(task, {}, store=store, settings=Settings(download_max_bytes=10, allowed_hosts=["127.0.0.1"]))


def test_a_text_argument_naming_a_text_file_stands_for_its_content(tmp_path: Path, store: ArtifactStore) -> None:
    from hugginggpt_tools import inputs

    given = tmp_path / "given"
    given.mkdir()
    (given / "report.txt").write_text("\ufeffThe budget rises by 5%.\n", encoding="utf-8")
    task = Task(id=0, task="summarization", args={"text": "report.txt"})
    # one of the files given with the request, by its name (the BOM is dropped)
    assert resolve_args(task, {}, files=[str(given / "report.txt")], cwd=tmp_path, store=store)["text"] == \
        "The budget rises by 5%.\n"
    # text that is not only a file name stays text; a named text file that is not there is an error
    for words in ("Summarize report.txt for me", "The U.S. economy", "v1.2"):
        assert resolve_args(Task(id=0, task="summarization", args={"text": words}), {}, cwd=tmp_path,
                            store=store)["text"] == words
    with pytest.raises(InputError, match=r"File 'notes.md' not found .* Give it with the request \(--file PATH"):
        resolve_args(Task(id=0, task="summarization", args={"text": "notes.md"}), {}, cwd=tmp_path, store=store)
    # the file policy applies: nothing outside the allowed folders and the given files
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret")
    try:
        with pytest.raises(InputError, match="outside"):
            resolve_args(Task(id=0, task="summarization", args={"text": str(outside)}), {}, cwd=given, store=store,
                         settings=Settings(allowed_dirs=[]))
    finally:
        outside.unlink()
    # a text file in the artifact store's own folder (an earlier task's output) is allowed
    kept = store.add_bytes(b"Kept by an earlier task.", ".txt", description="d").path
    assert resolve_args(Task(id=0, task="summarization", args={"text": kept}), {}, cwd=given, store=store,
                        settings=Settings(allowed_dirs=[]))["text"] == "Kept by an earlier task."
    # Windows "Unicode" (UTF-16 with its byte-order mark) and UTF-32 files read as text
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        bom = {"utf-16-be": "\ufeff"}.get(codec, "")
        (given / "wide.txt").write_bytes((bom + "Émile signe le contrat.").encode(codec))
        assert resolve_args(Task(id=0, task="summarization", args={"text": "wide.txt"}), {}, cwd=given,
                            store=store)["text"] == "Émile signe le contrat."
    # a table is one sentence per row, each value after its column's name
    (given / "people.csv").write_text("name,age,city\nAlice,30,Paris\nBob,,Berlin\n")
    assert resolve_args(Task(id=0, task="token-classification", args={"text": "people.csv"}), {}, cwd=given,
                        store=store)["text"] == "name: Alice, age: 30, city: Paris.\n\nname: Bob, city: Berlin."
    big = given / "big.txt"
    big.write_bytes(b"x" * (inputs.MAX_TEXT_FILE_BYTES + 1))
    with pytest.raises(InputError, match="big.txt' is 2.0 MB; text arguments take at most 2 MB"):
        resolve_args(Task(id=0, task="summarization", args={"text": "big.txt"}), {}, cwd=given, store=store)


def test_an_empty_text_file_is_named_as_empty(tmp_path: Path, store: ArtifactStore) -> None:
    """"Summarize notes.txt" with a 0-byte (or blank) notes.txt: the error names the file and says it
    is empty, rather than the model asking for "a non-empty text argument"."""
    (tmp_path / "notes.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\n\t\n")
    with pytest.raises(InputError, match=r"^The text file 'notes.txt' is empty \(0 bytes\)\. Put the text in it, or "
                                         r"quote the text in the request\.$"):
        resolve_args(Task(id=0, task="summarization", args={"text": "notes.txt"}), {}, cwd=tmp_path, store=store)
    with pytest.raises(InputError, match="The text file 'blank.md' is blank"):
        resolve_args(Task(id=0, task="summarization", args={"text": "blank.md"}), {}, cwd=tmp_path, store=store)


def test_a_file_of_the_wrong_kind_is_named_with_what_it_holds(tmp_path: Path, store: ArtifactStore) -> None:
    """A photo given where audio is needed, or a PNG renamed .wav: the error names the file, what its
    first bytes say it is, and what the task needs; files not recognized by their bytes pass."""
    (tmp_path / "house.png").write_bytes(PNG)
    (tmp_path / "clip.wav").write_bytes(PNG)
    (tmp_path / "odd.wav").write_bytes(b"no magic bytes here")
    asr = "automatic-speech-recognition"
    with pytest.raises(InputError, match=r"^'house.png' is a PNG image; automatic-speech-recognition needs an audio "
                                         r"file \(WAV, MP3, FLAC or OGG\) or a video with a sound track \(MP4, MOV, "
                                         r"MKV, WebM or AVI\)\. Give an audio file or a video with a sound track "
                                         r"instead\.$"):
        resolve_args(Task(id=0, task=asr, args={"audio": "house.png"}), {}, cwd=tmp_path, store=store)
    with pytest.raises(InputError, match=r"^'clip.wav' is a PNG image despite its .wav name; automatic-speech-"):
        resolve_args(Task(id=0, task=asr, args={"audio": "clip.wav"}), {}, cwd=tmp_path, store=store)
    assert resolve_args(Task(id=0, task=asr, args={"audio": "odd.wav"}), {}, cwd=tmp_path, store=store)["audio"] \
        == str(tmp_path / "odd.wav")
    assert sniff_kind(tmp_path / "house.png") == ("image", "a PNG image") and sniff_kind(tmp_path / "nope") is None
    check_file_kind(tmp_path / "house.png", ("image", "table"), "table-question-answering")  # accepted kinds pass
    with pytest.raises(InputError, match=r"^'house.png' is a PNG image; x needs an audio file \(WAV, MP3, FLAC or "
                                         r"OGG\)\. Give an audio file instead\.$"):
        check_file_kind(tmp_path / "house.png", ("audio",), "x")  # no video accepted: none named
    (tmp_path / "song.mp3").write_bytes(b"ID3" + bytes(32))
    with pytest.raises(InputError, match=r"^'song.mp3' is an MP3 audio file; table-question-answering needs an "
                                         r"image file \(PNG, JPEG, WebP or BMP\) or a table \(a CSV file\)\. Give an "
                                         r"image file or a table instead\.$"):
        check_file_kind(tmp_path / "song.mp3", ("image", "table"), "table-question-answering")


# ----------------------------------------------------------------------------- artifact store


def test_an_output_folder_that_cannot_be_written_is_named_as_such(tmp_path: Path) -> None:
    """A folder that cannot be created (a file in the way, no such parent) is a ConfigError naming it
    and the fix, both when checked up front and when a model writes its output there; the check
    leaves nothing behind."""
    in_the_way = tmp_path / "taken"
    in_the_way.write_text("a file, not a folder")
    for folder, reason in ((in_the_way, "a file of that name is in the way"), (in_the_way / "out", "Not a directory")):
        with pytest.raises(ConfigError, match=f"^Cannot write to the output folder '{folder}' \\({reason}\\); give a "
                                              "folder you can write to with --output-dir"):
            check_output_dir(folder)
    fresh = tmp_path / "fresh" / "deeper"
    check_output_dir(fresh)
    assert fresh.is_dir() and not list(fresh.iterdir())  # made for the run, no check file left
    # several runs checking one new folder at once all pass (removing it again raced)
    from concurrent.futures import ThreadPoolExecutor

    shared = tmp_path / "shared" / "out"
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: check_output_dir(shared), range(64)))
    store = ArtifactStore(in_the_way, "s1")
    with pytest.raises(ConfigError, match=f"Cannot write to the output folder '{in_the_way / 's1'}'"):
        store.add_bytes(b"x", ".txt")
    with pytest.raises(ConfigError, match="Cannot write to the output folder"):
        store.new_path(".wav")
    inside = OSError(2, "No such file or directory", str(store.folder / "speech.wav"))
    assert "output folder" in str(store.write_error(inside))
    assert store.write_error(OSError(2, "No such file or directory", "/elsewhere/model.bin")) is None
    assert store.write_error(ValueError("no")) is None


def test_artifacts_record_producer_and_survive_reopening(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path, "sess")
    a = store.add_bytes(b"RIFF\x00\x00\x00\x00WAVE", ".wav", task_id=2, task="text-to-speech", description="d")
    assert (a.task_id, a.task, a.mime_type, a.modality) == (2, "text-to-speech", "audio/x-wav", "audio")
    assert a.created_at and len(a.id) == 12
    again = store.add_bytes(b"RIFF\x00\x00\x00\x00WAVE", ".wav")
    assert again.id == a.id  # same content, same id
    reopened = ArtifactStore(tmp_path, "sess")
    assert reopened.get(a.id).path == store.get(a.id).path
    with pytest.raises(InputError, match="No artifact with id 'ffffffffffff'"):
        reopened.get("ffffffffffff")


def test_session_ids_must_be_folder_names(tmp_path: Path) -> None:
    for bad in ("../x", "a/b", ".."):
        with pytest.raises(InputError, match="Invalid session id"):
            ArtifactStore(tmp_path, bad)


def _session(root: Path, name: str, age_s: float) -> Path:
    store = ArtifactStore(root, name)
    store.add_bytes(name.encode(), ".txt")
    stamp = time.time() - age_s
    os.utime(store.folder / MANIFEST, (stamp, stamp))
    return store.folder


def test_prune_by_age_and_count(tmp_path: Path) -> None:
    old, mid, new = (_session(tmp_path, n, age) for n, age in (("old", 7200), ("mid", 600), ("new", 10)))
    (tmp_path / "not-a-session").mkdir()
    assert prune_sessions(tmp_path, max_age_s=3600) == [old]
    assert prune_sessions(tmp_path, max_sessions=1) == [mid]
    assert new.is_dir() and (tmp_path / "not-a-session").is_dir()
    assert prune_sessions(tmp_path, max_sessions=0, keep=["new"]) == []
    with pytest.raises(InputError):
        prune_sessions(tmp_path, max_sessions=-1)


def test_open_applies_the_policy_from_settings(tmp_path: Path) -> None:
    for i in range(3):
        _session(tmp_path, f"s{i}", 100 - i)
    settings = Settings(output_dir=tmp_path, output_max_sessions=2)
    store = ArtifactStore.open(settings, "fresh")
    store.add_bytes(b"x", ".txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "s2"]
    kept = ArtifactStore.open(Settings(output_dir=tmp_path), "another")  # policy off by default
    assert kept.session_id == "another" and (tmp_path / "s2").is_dir()


def test_file_names_with_spaces_are_found_in_the_folder(tmp_path):
    from hugginggpt_tools.inputs import spaced_file_names

    for name in ("small text.png", "text.png", "my old memo.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert spaced_file_names("Read the text in small text.png aloud", tmp_path) == ["small text.png"]
    assert spaced_file_names("Summarize my old memo.txt, then read 'small text.png'", tmp_path) == [
        "my old memo.txt", "small text.png"]
    # a whole name without spaces, or a name no file has, finds nothing
    assert spaced_file_names("Read the text in text.png", tmp_path) == []
    assert spaced_file_names("Read the text in big text.png", tmp_path) == []
    assert spaced_file_names("Read the text in small text.png", tmp_path / "elsewhere") == []
    # given a folder (the server's uploads), a name outside it is never looked up: a caller learnt
    # which server files exist from whether the plan called them "not an upload"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    assert spaced_file_names(f"Caption {tmp_path}/small text.png", uploads) == []
    assert spaced_file_names("Caption ../small text.png", uploads) == []
