"""The LangServe playground in headless Chromium: open it, submit a request, see the answer."""

from __future__ import annotations

import shutil

import pytest
from helpers import fake_agent, uvicorn_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytest.importorskip("langserve")
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium)")]

from hugginggpt_tools.config import Settings  # noqa: E402
from hugginggpt_tools.server import create_app  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server_url(tmp_path):
    settings = Settings(output_dir=tmp_path / "out")
    agent = fake_agent(settings, {"fake/ocr": ("image-to-text", lambda i, c: "WORDS FROM THE PLAYGROUND")})
    with uvicorn_server(create_app(agent, settings=settings, api_keys=[])) as url:
        yield url


def test_playground_submits_a_request_and_shows_the_answer(server_url, tmp_path):
    import httpx

    # the server reads only uploaded files: upload first, then name the upload in the request
    page_file = httpx.post(f"{server_url}/files", files={"file": ("page.png", b"png")}).json()["path"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{server_url}/hugginggpt/playground/")
            page.locator('[id="#/properties/input-input"]').fill(f"Read the text in {page_file}")
            page.get_by_role("button", name="Start").click()
            page.get_by_text("WORDS FROM THE PLAYGROUND").first.wait_for(timeout=30000)
        finally:
            browser.close()
