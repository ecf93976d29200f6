"""The site in a real browser: Debian's Chromium driven by Playwright.

The built site is served by `serve` itself (the guarding front with the
Oxigraph engine behind it, on 127.0.0.1), so IRIs negotiate as they will in
production and the SPARQL form reaches a real endpoint. Playwright never downloads a browser: it launches
/usr/bin/chromium. Without Chromium (or axe-core from npm, for the
accessibility scan) the tests are skipped, unless PACKTAN_REQUIRE_BROWSER=1
(as in CI), where they fail. Screenshots and the accessibility findings go
to tests/artifacts/ (or $PACKTAN_ARTIFACTS).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("PACKTAN_ARTIFACTS", ROOT / "tests" / "artifacts"))
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-gpu", "--disable-quic"]


def _missing(what: str):
    if os.environ.get("PACKTAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what} is required (PACKTAN_REQUIRE_BROWSER=1) but missing")
    pytest.skip(f"{what} missing")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def base_url(built):
    from packtan.serve import Server, site_responder

    with Server(built, site=site_responder(built)) as server:
        yield server.base


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        _missing("Chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="de-DE")
    p = context.new_page()
    p.set_default_timeout(60_000)
    try:
        yield p
    finally:
        context.close()


def _words(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def test_walk_from_home_to_a_place_and_back_to_the_source(page, base_url):
    page.goto(base_url + "/")
    assert page.locator("h1").first.inner_text().startswith("Packt Niedersachsen an?")
    page.get_by_role("link", name="Frage 9: Kosten je Veranstaltung").click()
    assert page.url.endswith("/id/doc/17-7349/frage-9.html")
    assert "Frage 9" in page.locator("h1").inner_text()
    assert "bitte nach Veranstaltung aufgeschlüsselt" in page.locator("section.question blockquote").inner_text()
    # the regional conference of Hildesheim (3 May 2016), paid for in row 3 of the table
    page.locator('section.related a[href$="id/event/2016-05-03-regionalkonferenz-sprache-hildesheim.html"]').click()
    assert page.locator("h1").inner_text().startswith("Regionale Integrationskonferenz „Sprache“, Hildesheim")
    props = page.locator("section.properties").inner_text()
    assert "3. Mai 2016" in props and "Hildesheim" in props
    page.locator('section.properties a[href$="id/place/hildesheim.html"]').click()
    assert page.locator("h1").inner_text().startswith("Hildesheim")
    # back through a provenance quote to its highlighted passage in the source page
    quote = page.locator("section.provenance a.quote").first
    quoted = _words(quote.inner_text()).strip("„“")
    quote.click()
    assert "/source/drucksache-17-7349.html#p-" in page.url
    anchor = page.url.split("#", 1)[1]
    target = page.locator(f"mark#{anchor}")
    assert target.evaluate("e => e.matches(':target')")
    marked = _words(target.inner_text()).replace("↗", "").strip()
    assert marked.replace("- ", "").replace("-", "").replace(" ", "") == quoted.replace("-", "").replace(" ", "")
    colour = target.evaluate("e => getComputedStyle(e).backgroundColor")
    other = page.locator("mark.psg:not(:target)").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour != other  # the target passage stands out from the other highlighted passages


def test_every_iri_negotiates_in_the_browser(page, base_url):
    resp = page.goto(base_url + "/id/place/hildesheim")
    assert resp.ok and page.url.endswith("/id/place/hildesheim.html")
    resp = page.goto(base_url + "/vocab")
    assert resp.ok and page.url.endswith("/vocab.html")


def test_each_chart_has_one_bar_per_table_row(page, base_url, built):
    checked = 0
    for html in sorted((built / "site" / "id" / "doc" / "17-7349").glob("frage-*.html")):
        page.goto(f"{base_url}/id/doc/17-7349/{html.name}")
        pairs = page.evaluate("""() => [...document.querySelectorAll('section.answer')].filter(s => s.querySelector('svg.chart'))
            .map(s => [s.id, s.querySelectorAll('svg.chart g.bar').length, s.querySelectorAll('table tbody tr').length,
                       s.querySelector('svg.chart title').textContent])""")
        for slug, bars, rows, title in pairs:
            assert bars == rows > 0, (html.name, slug)
            assert title
            checked += 1
    assert checked >= 6


def test_search_finds_labels_in_both_languages(page, base_url):
    page.goto(base_url + "/search.html?q=Hermannsburg")
    page.wait_for_selector("#results li")
    assert "Hermannsburg" in page.locator("#results").inner_text()
    page.goto(base_url + "/search.html?q=kick-off")  # an English label
    page.wait_for_selector("#results li")
    assert "Auftaktveranstaltung" in page.locator("#results").inner_text()


def test_readable_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    p = context.new_page()
    try:
        p.goto(base_url + "/id/doc/17-7349/frage-9.html")
        assert p.locator("table tbody tr").count() >= 24
        assert p.locator("svg.chart").count() >= 1
    finally:
        context.close()


PAGE_TYPES = {
    "home": "/",
    "resource": "/id/event/2016-05-03-regionalkonferenz-sprache-hildesheim.html",
    "question": "/id/doc/17-7349/frage-9.html",
    "source": "/source/drucksache-17-7349.html",
    "vocabulary": "/vocab.html",
    "term": "/vocab/Event.html",
    "list": "/list/event.html",
    "downloads": "/dataset.html",
    "sparql": "/sparql.html",
    "search": "/search.html?q=Hildesheim",
    "not-found": "/id/nichts",
}


def test_no_serious_or_critical_accessibility_violation(page, base_url):
    if not AXE.is_file():
        _missing("axe-core (npm ci)")
    found = {}
    for kind, path in PAGE_TYPES.items():
        page.goto(base_url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        found[kind] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
                       for v in result["violations"]]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bad = {k: [v for v in vs if v["impact"] in ("serious", "critical")] for k, vs in found.items()}
    assert {k: v for k, v in bad.items() if v} == {}


def test_screenshots(page, base_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {"home": "/", "resource": PAGE_TYPES["resource"], "question": PAGE_TYPES["question"],
             "source": "/source/drucksache-17-7349.html#p-q9-einleitung"}
    for name, path in shots.items():
        page.goto(base_url + path)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(base_url + PAGE_TYPES["resource"])
    page.screenshot(path=str(ARTIFACTS / "resource-phone.png"))
    # nothing wider than the phone's screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
