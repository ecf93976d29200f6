"""The web site of dist/site/ and its content negotiation, without a browser.

The pages are read from a real build; `negotiate.respond` is called on its
files directly and through a real HTTP server on 127.0.0.1 (http.server in a
thread, stopped by the test). Expected figures are the document's own.
"""

from __future__ import annotations

import html.parser
import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from packtan import config, provenance
from packtan.site import deploy
from packtan.site.negotiate import choose, respond

ID = config.BASE


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built / "site"


@pytest.fixture(scope="module")
def graph(built) -> Graph:
    return Graph().parse(built / "packt-an.nt", format="nt")


class Handler(http.server.BaseHTTPRequestHandler):
    """A minimal front: every request goes to respond()."""

    site_dir: Path

    def _answer(self, method: str) -> None:
        status, headers, body = respond(self.site_dir, method, self.path, self.headers.get("Accept"))
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        self._answer("GET")

    def do_HEAD(self):  # noqa: N802
        self._answer("HEAD")

    def do_POST(self):  # noqa: N802
        self._answer("POST")

    def log_message(self, *args):
        pass


def start_server(site_dir: Path):
    handler = type("SiteHandler", (Handler,), {"site_dir": site_dir})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def base_url(site):
    server, url = start_server(site)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def _page(site: Path, iri: str) -> str:
    return (site / (iri[len(ID):] + ".html")).read_text(encoding="utf-8")


def _text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).replace("&#34;", '"')


# --- pages -------------------------------------------------------------------

def test_every_iri_of_the_graph_has_a_page_and_its_data(site, graph):
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ID)}
    missing = []
    for iri in sorted(subjects):
        rest = iri[len(ID):]
        if "#" in rest:
            doc, frag = rest.split("#", 1)
            assert doc == "vocab", iri
            path = site / "vocab" / f"{frag}.html"
            if not path.is_file():
                missing.append(iri)
            continue
        for ext in (".html", ".ttl", ".jsonld", ".nt"):
            if not (site / (rest + ext)).is_file():
                missing.append(iri + ext)
    assert missing == []


def test_honest_figures_are_written_as_the_document_says(site):
    fig = ID + "id/doc/17-7349/figure/"
    # "über 600 Teilnehmerinnen und Teilnehmer" (Werkstatt Arbeit), a lower bound
    assert "über 600 Teilnehmerinnen und Teilnehmer" in _text(_page(site, fig + "q5-werkstatt-arbeit-teilnehmende"))
    # "rund 670 Teilnehmerinnen und Teilnehmer" expected at the fourth conference
    page = _text(_page(site, fig + "q2-werkstatt-buergerschaftliches-engagement-teilnehmende"))
    assert "rund 670 Teilnehmerinnen und Teilnehmer (erwartet)" in page
    # "Für 2017 sind derzeit (Stand: 27. Februar 2017) Ausgaben in Höhe von 6 543,03 Euro entstanden."
    assert "6 543,03 €, Stand: 27. Februar 2017" in _text(_page(site, ID + "id/doc/17-7349/expenditure/total-2017"))
    # question 8: "eine Angabe über Kosten ... nicht möglich"
    assert "nicht ermittelbar" in _text(_page(site, fig + "q8-kosten-nicht-ermittelbar"))


def test_question_9_shows_its_table_chart_query_and_dates(site):
    page = _page(site, ID + "id/doc/17-7349/frage-9")
    text = _text(page)
    assert "Wie groß waren die Kosten für die genannten Veranstaltungen (bitte nach Veranstaltung aufgeschlüsselt)?" in text
    assert "29 536,03 €" in text and "7. Januar 2016" in text  # table row 1 of the document
    assert "<svg" in page and 'class="bar"' in page
    assert "SELECT" in page and "sparql.html#q09-kosten-veranstaltungen" in page
    # the table links the regional conference of Hildesheim through its spending
    assert "regionalkonferenz-sprache-hildesheim" in page


def test_the_audit_names_the_unaccounted_922_32_euro(site):
    # 538 967,95 + 6 543,03 - 544 588,66 (the itemised spending) = 922,32
    assert "922,32 €" in _text(_page(site, ID + "id/doc/17-7349/frage-10"))


def test_spending_by_month_lists_the_months_without_spending(site):
    page = _page(site, ID + "id/doc/17-7349/frage-9")
    block = page.split('id="analysis-spending-by-month"', 1)[1].split("</section>", 1)[0]
    months = re.findall(r"<td>((?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4})</td>", block)
    # events were paid for in January and March 2016, none in February: it is listed, with 0,00 €
    assert months[:3] == ["Januar 2016", "Februar 2016", "März 2016"]
    assert "2016-01" not in _text(block)
    feb = block.split("<td>Februar 2016</td>", 1)[1].split("</tr>", 1)[0]
    assert "0,00 €" in feb
    n_bars = len(re.findall(r'class="bar"', block))
    n_rows = block.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")
    assert n_bars == n_rows > 12


class _LangCheck(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if "en" in (a.get("class") or "").split() and a.get("lang") != "en":
            self.bad.append((tag, a))


def test_pages_are_german_with_english_marked_as_such(site):
    for name in ("index.html", "id/place/hannover.html", "id/doc/17-7349/frage-9.html", "vocab.html",
                 "vocab/Event.html", "dataset.html", "source/drucksache-17-7349.html"):
        check = _LangCheck()
        check.feed((site / name).read_text(encoding="utf-8"))
        assert check.html_lang == "de", name
        assert check.bad == [], name


def test_pages_link_their_data_and_embed_schema_org(site):
    page = _page(site, ID + "id/event/2016-05-03-regionalkonferenz-sprache-hildesheim")
    for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        assert f'<link rel="alternate" type="{media}" href="2016-05-03-regionalkonferenz-sprache-hildesheim.{ext}"' in page
    data = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert data["@type"] == "Event" and data["startDate"] == "2016-05-03"
    assert data["location"]["@id"] == ID + "id/place/hildesheim"


def test_a_resource_description_holds_its_triples_and_the_labels_it_links(site, graph):
    iri = URIRef(ID + "id/event/2016-05-03-regionalkonferenz-sprache-hildesheim")
    own = set(graph.triples((iri, None, None)))
    for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt")):
        g = Graph().parse(site / f"id/event/{iri.rsplit('/', 1)[-1]}.{ext}", format=fmt)
        assert own <= set(g), ext
        assert (URIRef(ID + "id/place/hildesheim"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                Literal("Hildesheim", lang="de")) in g


def test_the_rdf_keeps_the_w3id_iris_and_the_links_are_relative(site):
    page = (site / "id/place/hannover.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', page)
    internal = [h for h in hrefs if not h.startswith(("http://", "https://"))]
    assert internal and all(not h.startswith("/") for h in internal)
    assert "<https://w3id.org/packt-an/id/place/hannover>" in (site / "id/place/hannover.nt").read_text(encoding="utf-8")


def test_source_page_marks_every_passage_with_its_quote(site, graph):
    page = (site / "source/drucksache-17-7349.html").read_text(encoding="utf-8")
    passages = set(graph.subjects(RDF.type, config.PA.Passage))
    ids = set(re.findall(r'<mark class="psg" id="(p-[^"]+)">', page))
    assert ids == {"p-" + str(p).rsplit("/", 1)[-1] for p in passages}
    # the marked text of a passage is its quote (as provenance reads the source)
    quote = str(graph.value(URIRef(ID + "id/doc/17-7349/passage/q9-einleitung"), config.PA.quote))
    marked = page.split('id="p-q9-einleitung">', 1)[1].split("</mark>", 1)[0]
    assert provenance.quote_in_source(quote, provenance.normalise_source(_text(marked)))
    # questions and answers are sections
    for n in ("1", "5", "9", "10"):
        assert f'<section class="source" id="frage-{n}"' in page


def test_fast_passage_search_agrees_with_locate(graph):
    from packtan.site.source import fast_locate

    for p in graph.subjects(RDF.type, config.PA.Passage):
        quote = str(graph.value(p, config.PA.quote))
        fast = fast_locate(quote)
        if fast is not None:
            assert fast == provenance.locate(quote)[0], p


def test_downloads_list_size_checksum_media_type_and_licence(site, built):
    import hashlib

    page = (site / "dataset.html").read_text(encoding="utf-8")
    data = (built / "packt-an.ttl").read_bytes()
    assert hashlib.sha256(data).hexdigest() in page
    size = f"{len(data):,}".replace(",", " ")
    assert f'<td class="num">{size}</td>' in page
    assert "text/turtle" in page and "CC BY 4.0" in page
    assert (site / "dist/packt-an.ttl").read_bytes() == data


def test_search_index_finds_german_and_english_labels(site):
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    pages = {e[1] for e in index}
    assert "id/place/hildesheim.html" in pages
    by_label = {l: e[1] for e in index for l in [e[0], *e[3]]}
    assert by_label["Regional integration conference \"Sprache\" (language), Hildesheim"].startswith("id/event/")


def test_templates_escape_what_they_show():
    from packtan.site import environment

    env = environment()
    assert env.autoescape is True
    assert "&lt;script&gt;" in env.from_string("{{ x }}").render(x="<script>")


def test_sparql_page_declares_the_prefixes_and_offers_every_query(site):
    page = (site / "sparql.html").read_text(encoding="utf-8")
    assert "PREFIX pa: &lt;https://w3id.org/packt-an/vocab#&gt;" in page
    for rq in sorted((config.QUERIES_DIR).glob("*.rq")):
        assert f'id="{rq.stem}"' in page, rq.name
    assert '<form class="editor" action="query" method="get">' in page


# --- negotiation, called directly -----------------------------------------------

@pytest.mark.parametrize("accept,location", [
    (None, "hannover.html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "hannover.html"),
    ("text/turtle", "hannover.ttl"),
    ("application/ld+json", "hannover.jsonld"),
    ("application/json", "hannover.jsonld"),
    ("application/n-triples", "hannover.nt"),
    ("text/turtle;q=0.5, application/ld+json", "hannover.jsonld"),
    ("text/html;q=0, text/*", "hannover.ttl"),
    ("*/*", "hannover.html"),
])
def test_an_iri_answers_303_to_the_document_for_its_accept_header(site, accept, location):
    status, headers, _body = respond(site, "GET", "/id/place/hannover", accept)
    h = dict(headers)
    assert status == 303 and h["Location"] == location and h["Vary"] == "Accept"


def test_not_acceptable_names_what_is_available(site):
    status, headers, body = respond(site, "GET", "/id/place/hannover", "image/png")
    assert status == 406 and b"text/turtle" in body


@pytest.mark.parametrize("path", ["/vocab", "/dataset", "/shapes", "/graph/doc/17-7349", "/graph/shared",
                                  "/query/q09-kosten-veranstaltungen", "/id/doc/17-7349"])
def test_every_kind_of_iri_path_negotiates(site, path):
    status, headers, _ = respond(site, "GET", path, "text/turtle")
    assert status == 303 and dict(headers)["Location"].endswith(".ttl")


def test_files_are_sent_with_their_media_type(site):
    for path, media in (("/id/place/hannover.html", "text/html"), ("/id/place/hannover.ttl", "text/turtle"),
                        ("/id/place/hannover.jsonld", "application/ld+json"), ("/style.css", "text/css"),
                        ("/search.json", "application/json"), ("/", "text/html"),
                        ("/dist/packt-an.nt", "application/n-triples")):
        status, headers, body = respond(site, "GET", path, None)
        assert status == 200 and dict(headers)["Content-Type"].startswith(media), path
        assert int(dict(headers)["Content-Length"]) == len(body) > 0


def test_head_sends_no_body_and_other_methods_are_refused(site):
    status, headers, body = respond(site, "HEAD", "/id/place/hannover.html", None)
    assert status == 200 and body == b"" and int(dict(headers)["Content-Length"]) > 0
    status, headers, _ = respond(site, "POST", "/id/place/hannover", None)
    assert status == 405 and dict(headers)["Allow"] == "GET, HEAD"


def test_unknown_paths_get_the_404_page(site):
    status, headers, body = respond(site, "GET", "/id/place/atlantis", "text/html")
    assert status == 404 and b"Nicht gefunden" in body


@pytest.mark.parametrize("path", [
    "/../packt-an.ttl", "/id/../../packt-an.ttl", "/%2e%2e/packt-an.ttl", "/%2E%2E/%2E%2E/etc/passwd",
    "/%252e%252e/packt-an.ttl", "/id/%00", "/id\\..\\..\\x", "http://example.org/x", "//etc/passwd",
    "/id//place/hannover", "/./index.html", "/%ff",
])
def test_paths_that_try_to_leave_the_site_are_refused(site, path):
    status, _headers, body = respond(site, "GET", path, None)
    assert status in (400, 404) and b"root:" not in body


def test_a_symlink_out_of_the_site_is_not_followed(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "site" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    status, _h, body = respond(tmp_path / "site", "GET", "/leak.txt", None)
    assert status == 400 and b"secret" not in body


def test_respond_never_raises(tmp_path):
    status, _h, _b = respond(tmp_path / "missing", "GET", "/id/x", None)
    assert status == 404


def test_choose_follows_q_values():
    everything = {".html", ".ttl", ".jsonld", ".nt"}
    assert choose("application/n-triples;q=0.9, text/turtle;q=0.8", everything) == ".nt"
    assert choose("text/turtle;q=0", {".html", ".ttl"}) is None
    assert choose("", everything) == ".html"


# --- negotiation through a real HTTP server -----------------------------------------

def _get(url: str, accept: str | None = None):
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.geturl(), resp.headers, resp.read()


def test_over_http_an_iri_gives_a_page_or_data(base_url, graph):
    status, url, headers, body = _get(base_url + "/id/place/hildesheim")
    assert status == 200 and url.endswith("/id/place/hildesheim.html") and b"<h1>Hildesheim" in body
    status, url, headers, body = _get(base_url + "/id/place/hildesheim", "text/turtle")
    assert url.endswith(".ttl") and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body.decode("utf-8"), format="turtle")
    assert set(graph.triples((URIRef(ID + "id/place/hildesheim"), None, None))) <= set(g)
    status, url, headers, body = _get(base_url + "/id/place/hildesheim", "application/ld+json")
    g = Graph().parse(data=body.decode("utf-8"), format="json-ld")
    assert set(graph.triples((URIRef(ID + "id/place/hildesheim"), None, None))) <= set(g)


def test_over_http_unknown_paths_and_traversal(base_url):
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(base_url + "/id/place/atlantis")
    assert err.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(base_url + "/%2e%2e/%2e%2e/etc/passwd")
    assert err.value.code == 400


# --- deployment rules -------------------------------------------------------------------

def test_apache_and_nginx_rules_negotiate_with_303(site, built):
    ht = (site / ".htaccess").read_text(encoding="utf-8")
    assert "R=303" in ht and "text/turtle" in ht and "Vary Accept" in ht and "ErrorDocument 404" in ht
    nginx = (built / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "return 303 $uri.$packtan_ext;" in nginx and "add_header Vary Accept" in nginx


def test_w3id_rules_point_at_the_public_base(monkeypatch):
    monkeypatch.setattr(config, "PUBLIC_BASE", "https://data.example.org/packt-an/")
    text = deploy.w3id_htaccess()
    assert "RewriteRule ^(.*)$ https://data.example.org/packt-an/$1 [R=303,L]" in text
    monkeypatch.setattr(config, "PUBLIC_BASE", config.BASE)
    assert "\nRewriteRule" not in deploy.w3id_htaccess()  # it would redirect w3id.org to itself


# --- a crawler: every link of every page ---------------------------------------------------

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if tag in ("script", "img") and a.get("src"):
            self.links.append(a["src"])


def test_crawl_every_link_of_every_page(base_url):
    """From the home page, every page and file the site links to answers, and every #anchor exists."""
    from urllib.parse import urldefrag, urljoin

    start = base_url + "/"
    queue, seen, pages, ids = [start], {start}, 0, {}
    broken, fragments, external = [], [], set()
    while queue:
        url = queue.pop()
        try:
            status, final, headers, body = _get(url)
        except urllib.error.HTTPError as exc:
            broken.append((url, exc.code))
            continue
        if not headers["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        ids[final] = parser.ids
        for href in parser.links:
            target = urljoin(final, href)
            if not target.startswith(base_url):
                external.add(target)
                continue
            doc, frag = urldefrag(target)
            if frag:
                fragments.append((final, doc, frag))
            if doc not in seen:
                seen.add(doc)
                queue.append(doc)
    missing = [(page, doc, frag) for page, doc, frag in fragments if doc in ids and frag not in ids[doc]]
    assert broken == []
    assert missing == []
    assert pages > 1400  # every resource page is reachable from the home page


def test_every_resource_under_id_answers_turtle_and_json_ld_with_all_its_triples(base_url, graph):
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ID + "id/")}, key=str)
    assert len(subjects) > 1200
    for s in subjects:
        path = str(s)[len(ID) - 1:]
        own = set(graph.triples((s, None, None)))
        for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
            _status, _url, _headers, body = _get(base_url + path, accept)
            g = Graph().parse(data=body.decode("utf-8"), format=fmt)
            assert own <= set(g), (str(s), fmt)


def test_search_index_holds_other_labels_too(site):
    # skos:altLabel "Landesregierung" of the Niedersächsische Landesregierung (data/shared/organisations.ttl)
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    hits = [e for e in index if "Landesregierung" in e[3]]
    assert hits and all(h[1].startswith("id/org/") for h in hits)
