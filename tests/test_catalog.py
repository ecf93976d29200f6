"""dist/catalog.ttl: a DCAT-AP.de 3.0 catalogue entry; one public base; version, licence, release."""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
import zipfile

import pytest
from pyshacl import validate
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from conftest import ROOT, run

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SH = Namespace("http://www.w3.org/ns/shacl#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROFILE = ROOT / "profiles" / "dcat-ap-de"
BASE = "https://w3id.org/packt-an/"
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()


def _profile() -> Graph:
    g = Graph()
    for path in sorted(PROFILE.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _catalog(built) -> Graph:
    return Graph().parse(built / "catalog.ttl", format="turtle")


def _results(data: Graph) -> list[tuple]:
    conforms, report, _text = validate(data, shacl_graph=_profile(), inference="none")
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append((report.value(r, SH.resultSeverity), report.value(r, SH.focusNode), report.value(r, SH.resultPath)))
    return out


def test_catalog_conforms_to_dcat_ap_de_with_no_warning(built):
    """Every mandatory and every recommended property of DCAT-AP.de 3.0 is there."""
    assert _results(_catalog(built)) == []


def test_profile_finds_a_missing_mandatory_and_a_missing_recommended_property(built):
    g = _catalog(built)
    dist = URIRef(BASE + "dataset/distribution/turtle")
    g.remove((dist, DCAT.accessURL, None))
    g.remove((URIRef(BASE + "dataset"), DCAT.theme, None))
    found = {(str(sev).rsplit("#", 1)[1], str(focus), str(path)) for sev, focus, path in _results(g)}
    assert found == {
        ("Violation", str(dist), str(DCAT.accessURL)),
        ("Warning", BASE + "dataset", str(DCAT.theme)),
    }


def test_profile_rejects_a_licence_outside_dcat_ap_de_and_a_loc_language(built):
    g = _catalog(built)
    dist = URIRef(BASE + "dataset/distribution/csv")
    g.set((dist, DCT.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((URIRef(BASE + "catalog"), DCT.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/de")))
    paths = {str(p) for _s, _f, p in _results(g)}
    assert paths == {str(DCT.license), str(DCT.language)}


def _local_file(built, url: str):
    assert url.startswith(BASE + "dist/"), url
    return built / url[len(BASE + "dist/"):]


def test_every_distribution_names_size_and_checksum_of_its_file(built):
    g = _catalog(built)
    dists = list(g.objects(URIRef(BASE + "dataset"), DCAT.distribution))
    files = [d for d in dists if g.value(d, DCAT.downloadURL) is not None]
    names = sorted(str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in files)
    assert names == ["csv.zip", "json.zip", "packt-an.jsonld", "packt-an.nt", "packt-an.trig", "packt-an.ttl"]
    for d in files:
        data = _local_file(built, str(g.value(d, DCAT.downloadURL))).read_bytes()
        assert g.value(d, DCAT.byteSize) == Literal(len(data), datatype=XSD.nonNegativeInteger)
        checksum = g.value(d, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert g.value(d, DCT.license) == URIRef("http://dcat-ap.de/def/licenses/cc-by/4.0")
        assert {l.language for l in g.objects(d, DCATDE.licenseAttributionByText)} == {"de", "en"}
        assert str(g.value(d, DCT["format"])).startswith("http://publications.europa.eu/resource/authority/file-type/")
        assert str(g.value(d, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")


def test_bundles_hold_the_json_and_csv_files(built):
    for bundle, folder in (("json.zip", "json"), ("csv.zip", "csv")):
        with zipfile.ZipFile(built / bundle) as zf:
            names = zf.namelist()
            assert names == sorted(names)
            assert names == sorted(p.relative_to(built).as_posix() for p in (built / folder).iterdir())
            for name in names:
                assert zf.read(name) == (built / name).read_bytes()
                assert zf.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)


def test_endpoint_is_a_data_service_at_the_public_base(built):
    g = _catalog(built)
    service = URIRef(BASE + "sparql")
    assert (service, RDF.type, DCAT.DataService) in g
    assert g.value(service, DCAT.endpointURL) == URIRef(BASE + "sparql")
    assert g.value(service, DCAT.servesDataset) == URIRef(BASE + "dataset")


def _published_texts(folder):
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    yield f"{path.name}:{name}", zf.read(name).decode("utf-8")
        elif path.is_file():
            yield path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8")


def test_no_loopback_address_in_anything_published(built):
    found = [name for name, text in _published_texts(built) if re.search(r"127\.0\.0\.1|localhost", text)]
    assert not found


def test_one_public_base_for_every_published_url(tmp_path):
    """With PACKTAN_PUBLIC_BASE set, downloads, endpoint and pages move there; IRIs stay."""
    out = tmp_path / "dist"
    res = run("build", "--out", str(out), env={"PACKTAN_PUBLIC_BASE": "https://daten.example.org/packt-an"})
    assert res.returncode == 0, res.stderr
    host = "https://daten.example.org/packt-an/"
    g = _catalog(out)
    urls = [str(o) for p in (DCAT.accessURL, DCAT.downloadURL, DCAT.endpointURL, DCAT.landingPage) for o in g.objects(None, p)]
    assert len(urls) > 14 and all(u.startswith(host) for u in urls)
    void = Graph().parse(out / "void.ttl", format="turtle")
    assert str(void.value(URIRef(BASE + "dataset"), Namespace("http://rdfs.org/ns/void#").sparqlEndpoint)) == host + "sparql"
    events = (out / "json" / "events.json").read_text(encoding="utf-8")
    assert f'"web": "{host}id/event/2016-01-07-auftaktveranstaltung"' in events
    assert f'"id": "{BASE}id/event/2016-01-07-auftaktveranstaltung"' in events
    found = [n for n, text in _published_texts(out) if re.search(r"https://w3id\.org/packt-an/dist/", text)]
    assert not found  # no download URL left on the default base


def test_the_version_is_kept_in_one_place():
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    onto = Graph().parse(ROOT / "ontology" / "packt-an.ttl", format="turtle")
    vocab = URIRef(BASE + "vocab")
    assert onto.value(vocab, OWL.versionInfo) == Literal(VERSION)
    assert onto.value(vocab, OWL.versionIRI) == URIRef(f"{BASE}vocab/{VERSION}")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] – \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)


def test_catalog_version_and_dates_come_from_version_and_changelog(built):
    g = _catalog(built)
    d = URIRef(BASE + "dataset")
    assert g.value(d, DCAT.version) == Literal(VERSION)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    dates = dict(re.findall(r"^## \[(\d+\.\d+\.\d+)\] – (\d{4}-\d{2}-\d{2})$", changelog, re.M))
    assert g.value(d, DCT.modified) == Literal(dates[VERSION], datatype=XSD.date)
    assert g.value(d, DCT.issued) == Literal(min(dates.values()), datatype=XSD.date)
    # the events the answer reports: from the kick-off on 7 January 2016 to the end of the
    # exhibition "immer bunter" in the Landesmuseum Hannover on 6 August 2017 (answer 6)
    period = g.value(d, DCT.temporal)
    assert (str(g.value(period, DCAT.startDate)), str(g.value(period, DCAT.endDate))) == ("2016-01-07", "2017-08-06")


def test_licences_are_stated():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "CC BY 4.0" in licence
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "CC BY 4.0" in readme


def test_release_archive_is_deterministic_and_named_with_the_version(built, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    for out in (one, two):
        res = run("release", "--dist", str(built), "--out", str(out))
        assert res.returncode == 0, res.stderr
    name = f"packt-an-{VERSION}.tar.gz"
    assert (one / name).read_bytes() == (two / name).read_bytes()
    with tarfile.open(one / name) as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        assert names[0] == f"packt-an-{VERSION}" and names == sorted(names)
        assert f"packt-an-{VERSION}/catalog.ttl" in names
        assert {m.mtime for m in members} == {members[0].mtime} and {m.uid for m in members} == {0}
        data = tar.extractfile(f"packt-an-{VERSION}/catalog.ttl").read()
        assert data == (built / "catalog.ttl").read_bytes()


def test_release_into_a_missing_folder_is_a_usage_error(tmp_path):
    res = run("release", "--dist", str(tmp_path / "dist"), "--out", str(tmp_path / "nowhere"))
    assert res.returncode == 2
    assert res.stderr.strip().splitlines()[-1] == f"error: {tmp_path / 'nowhere'}: no such folder"
    assert not (tmp_path / "dist").exists()
