"""dist/json/: plain JSON per kind of thing, valid against schemas/, still JSON-LD."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from conftest import ROOT

SCHEMAS = ROOT / "schemas"
KINDS = ("events", "organisations", "people", "places", "measures", "proposals",
         "expenditures", "figures", "passages", "questions")
PA = "https://w3id.org/packt-an/vocab#"


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def _load(built: Path, kind: str) -> dict:
    return json.loads((built / "json" / f"{kind}.json").read_text(encoding="utf-8"))


def test_one_file_per_kind_and_a_schema_for_each(built):
    assert sorted(p.stem for p in (built / "json").glob("*.json")) == sorted(KINDS)
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(
        [f"{k}.schema.json" for k in KINDS] + ["common.schema.json"])


@pytest.mark.parametrize("kind", KINDS)
def test_file_validates_against_its_schema(built, kind):
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_load(built, kind)), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:10])


def test_schema_rejects_what_plain_json_must_not_hold(built):
    """The schemas can fail: a prefixed reference, an @value object, a single type."""
    schema = json.loads((SCHEMAS / "expenditures.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, registry=_registry())
    good = _load(built, "expenditures")
    assert validator.is_valid(good)
    for breaks in (
        lambda t: t.__setitem__("paidFor", "ev:2016-01-07-auftaktveranstaltung"),
        lambda t: t.__setitem__("position", {"@value": "1", "@type": "xsd:integer"}),
        lambda t: t.__setitem__("type", "Expenditure"),
        lambda t: t["money"].__setitem__("amount", "29536.03"),
        lambda t: t.__setitem__("id", "exp:2016-01-07-auftaktveranstaltung"),
    ):
        bad = json.loads(json.dumps(good))
        breaks(bad["data"][0])
        assert not validator.is_valid(bad)


def _strings(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("kind", KINDS)
def test_no_prefixed_names_no_value_objects(built, kind):
    doc = _load(built, kind)
    data = list(_strings(doc["data"]))
    assert "@value" not in data and "@type" not in data
    prefixed = re.compile(r"^(pa|ev|ag|pl|per|psg|exp|fig|ms|prop|d|doc|schema|org|prov|dcterms|skos|xsd|rdfs|foaf):[A-Za-z0-9]")
    assert not [s for s in data if prefixed.match(s)]
    for thing in doc["data"]:
        assert thing["web"].endswith(thing["id"][len("https://w3id.org/packt-an/"):])


def test_listing_events_with_date_and_place_takes_a_few_lines(built):
    # as a reader would write it, with nothing but json: 4 lines
    events = json.load(open(built / "json" / "events.json", encoding="utf-8"))["data"]
    rows = [(e.get("startDate"), e["label"]["de"], ", ".join(p["label"]["de"] for p in e.get("location", [])))
            for e in events]
    rows.sort(key=lambda r: r[0] or "9999")
    # the answer names 39 events (the groups of events aside), and answer 3 the special prize the
    # alliance gave within the state integration prize („Das Bündnis stiftete einen Sonderpreis“): 40
    assert len(rows) == 40
    assert rows[0][0] == "2016-01-07" and "Hannover" in rows[0][2]  # the kick-off in Hannover opens the list
    hermannsburg = [r for r in rows if r[1] == "Regionale Integrationskonferenz „Sprache“, Hermannsburg"]
    assert len(hermannsburg) == 1 and hermannsburg[0][0] == "2016-05-19" and "Hermannsburg" in hermannsburg[0][2]
    assert all(e["type"].count("Event") == 1 for e in events)


def test_summing_event_costs_takes_a_few_lines(built):
    # as a reader would write it, with nothing but json: 3 lines, exact to the cent
    data = json.load(open(built / "json" / "expenditures.json", encoding="utf-8"), parse_float=Decimal)["data"]
    rows = [x for x in data if x.get("costCategory", {}).get("id", "").endswith("#eventCosts") and "position" in x]
    total = sum(x["money"]["amount"] for x in rows)
    # the 23 rows of the table of answer 9, added up from the amounts the document prints
    printed = ["29536.03", "75739.24", "4424.95", "482.00", "2389.64", "2931.67", "72867.03", "4036.32",
               "4342.37", "6930.56", "6848.33", "76805.11", "4868.46", "11829.83", "3668.18", "1865.32",
               "960.00", "6000.00", "2374.65", "34206.38", "168.94", "4326.98", "46256.77"]
    assert len(rows) == 23
    assert total == sum(Decimal(a) for a in printed) == Decimal("403858.76")


def test_amounts_are_json_numbers_written_exactly(built):
    text = (built / "json" / "expenditures.json").read_text(encoding="utf-8")
    assert '"amount": 75739.24,' in text  # the number as the document prints it, no float noise
    doc = json.loads(text)
    amounts = [t["money"]["amount"] for t in doc["data"] if "amount" in t["money"]]
    # one figure has no amount: the costs that answer 8 says cannot be determined
    assert [t["id"].rsplit("/", 1)[1] for t in doc["data"] if "amount" not in t["money"]] == ["q8-kosten-nicht-ermittelbar"]
    assert all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in amounts)
    assert all(t["money"]["currency"] == "EUR" for t in doc["data"])


def test_every_multi_valued_key_is_always_a_list(built):
    for kind in KINDS:
        doc = _load(built, kind)
        shapes: dict[str, set] = {}
        for thing in doc["data"]:
            for key, value in thing.items():
                shapes.setdefault(key, set()).add(type(value).__name__)
        mixed = {k: v for k, v in shapes.items() if "list" in v and len(v) > 1}
        assert not mixed, (kind, mixed)


def test_still_json_ld_and_true_to_the_graph(built):
    """A JSON-LD processor reads the file back into triples that the graph holds."""
    from pyld import jsonld

    graph = Graph().parse(built / "packt-an.nt", format="nt")
    doc = _load(built, "events")
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    back = Graph().parse(data=nquads, format="nt")
    assert len(back) > 500
    page = URIRef("http://xmlns.com/foaf/0.1/page")
    pref = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")  # a sub-property of rdfs:label (SKOS)
    missing = [t for t in back if t[1] != page and t[2] != URIRef(PA + "Event") and t not in graph
               and not (t[1] == RDFS.label and (t[0], pref, t[2]) in graph)]
    assert not missing, missing[:5]
    ev = URIRef("https://w3id.org/packt-an/id/event/2016-05-19-regionalkonferenz-sprache-hermannsburg")
    assert (ev, URIRef("https://schema.org/startDate"), Literal("2016-05-19", datatype=XSD.date)) in back
    assert (ev, RDF.type, URIRef(PA + "RegionalConference")) in back
    assert (ev, RDFS.label, Literal("Regionale Integrationskonferenz „Sprache“, Hermannsburg", lang="de")) in back
