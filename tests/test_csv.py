"""dist/csv/: CSV per kind and per question query, valid against its CSVW metadata."""

from __future__ import annotations

import datetime
import json
import shutil
from decimal import Decimal

from csvw import CSVW

from conftest import ROOT

KINDS = ("events", "organisations", "people", "places", "measures", "proposals",
         "expenditures", "figures", "passages", "questions")


def _metadata(built) -> dict:
    return json.loads((built / "csv" / "csv-metadata.json").read_text(encoding="utf-8"))


def test_csv_validates_against_its_csvw_metadata(built):
    csvw = CSVW(str(built / "csv" / "csv-metadata.json"), validate=True)
    assert csvw.is_valid, [str(w.message) for w in csvw.warnings][:10]
    assert len(csvw.tables) == len(KINDS) + len(list((ROOT / "queries").glob("q*.rq")))


def test_one_table_per_kind_and_per_question_query(built):
    described = sorted(t["url"] for t in _metadata(built)["tables"])
    on_disk = sorted(p.name for p in (built / "csv").glob("*.csv"))
    assert described == on_disk
    expected = sorted([f"{k}.csv" for k in KINDS] + [f"{p.stem}.csv" for p in (ROOT / "queries").glob("q*.rq")])
    assert on_disk == expected


def test_every_column_has_german_and_english_titles_and_a_datatype(built):
    for table in _metadata(built)["tables"]:
        assert set(table["dc:title"]) == {"de", "en"}
        for col in table["tableSchema"]["columns"]:
            assert set(col["titles"]) == {"de", "en"} and all(col["titles"].values()), (table["url"], col)
            assert col["datatype"] in {"string", "anyURI", "integer", "decimal", "double", "boolean", "date", "gYear"}


def test_kind_tables_are_about_their_iri_column(built):
    for table in _metadata(built)["tables"]:
        if table["url"][:-4] in KINDS:
            schema = table["tableSchema"]
            assert schema["aboutUrl"] == "{+id}" and schema["primaryKey"] == "id"
            assert schema["columns"][0] == {"name": "id", "titles": {"de": "IRI", "en": "IRI"},
                                            "datatype": "anyURI", "required": True}


def _rows(built, name):
    csvw = CSVW(str(built / "csv" / "csv-metadata.json"))
    table = next(t for t in csvw.tables if str(t.url) == name)
    return list(table.iterdicts())


def test_values_read_back_typed(built):
    events = _rows(built, "events.csv")
    assert len(events) == 40  # 39 named in answer 3, and the alliance's special prize within the state prize
    kick_off = next(e for e in events if e["id"].unsplit().endswith("/2016-01-07-auftaktveranstaltung"))
    assert kick_off["startDate"].date() == datetime.date(2016, 1, 7)  # csvw reads xsd:date as a datetime
    assert kick_off["location_label"] == ["Hannover"]  # a list column: an event may have several places
    spending = _rows(built, "expenditures.csv")
    table_9 = [r for r in spending if (r["costCategory"].unsplit() if r["costCategory"] else "").endswith("#eventCosts") and r["position"] is not None]
    assert all(isinstance(r["amount"], Decimal) for r in table_9)
    # the 23 rows of the table of answer 9 add up to 403 858,76 euros (sum of the printed amounts)
    assert len(table_9) == 23 and sum(r["amount"] for r in table_9) == Decimal("403858.76")
    q09 = _rows(built, "q09-kosten-veranstaltungen.csv")
    assert q09[1]["position"] == 2 and q09[1]["date"].date() == datetime.date(2016, 3, 16)


def test_a_cell_that_breaks_its_datatype_fails_validation(built, tmp_path):
    copy = tmp_path / "csv"
    shutil.copytree(built / "csv", copy)
    path = copy / "expenditures.csv"
    text = path.read_text(encoding="utf-8")
    assert ",75739.24," in text
    path.write_text(text.replace(",75739.24,", ",\"75.739,24\","), encoding="utf-8", newline="")
    assert not CSVW(str(copy / "csv-metadata.json"), validate=True).is_valid


def test_utf8_with_header_row(built):
    raw = (built / "csv" / "events.csv").read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert text.startswith("id,web,type,label_de,label_en,")
    assert "Integrationskonferenz „Werkstatt Sprache“" in text
