"""The regenerated answer, read by a real browser (Debian's Chromium, headless).

dist/answers.html is served over HTTP on 127.0.0.1 and loaded in Chromium;
the DOM the browser builds must hold every question of the Drucksache with
its answer table. Without a Chromium on the machine the test is skipped,
unless PACKTAN_REQUIRE_BROWSER=1 (as in CI), where it fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading

import pytest

from packtan.catalogue import question_queries


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture()
def page_url(built):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/answers.html"
    finally:
        server.shutdown()
        server.server_close()


def _dump_dom(browser: str, url: str, profile) -> str:
    cmd = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--dump-dom",
        url,
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_answers_page_in_a_real_browser(page_url, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("PACKTAN_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (PACKTAN_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    dom = _dump_dom(browser, page_url, tmp_path / "profile")
    assert "<h1>Packt Niedersachsen an?" in dom
    sections = re.findall(r'<section class="question" id="frage-([0-9ab]+)">', dom)
    assert sections == [q.question for q in question_queries()]
    # every question's section holds a table with at least one row of data
    for number in sections:
        block = dom.split(f'id="frage-{number}">', 1)[1].split("</section>", 1)[0]
        assert "<table>" in block and "<tbody><tr>" in block.replace("\n", ""), f"question {number} has no answer rows"
    # the printed figures come through as the document prints them
    assert "538 967,95 €" in dom
    assert "16. März 2016" in dom
