"""dist/csv/: one CSV per kind of thing and per question query, described by
W3C CSV on the Web metadata (csv/csv-metadata.json).

The tables of the kinds are the plain JSON of dist/json/ (rendered before
this output) flattened: one row per thing, the IRI in column `id` (the
table's aboutUrl), labels in `label_de` and `label_en`, a linked thing as
its IRI (`location`) beside its German label (`location_label`), money as
`amount` (decimal) and `currency`, several values in one cell separated by
" | " (the column's CSVW separator). The question tables are the results of
queries/q*.rq on the in-process engine; each column's datatype is the one
its values carry in the graph (xsd:date, xsd:decimal, xsd:integer …),
a string where they differ.

Every CSV is UTF-8 with a header row, CRLF line ends (RFC 4180) and minimal
quoting; column titles are given in German and English.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from rdflib import RDFS, XSD, Literal, URIRef

from . import catalogue, plainjson

SEPARATOR = " | "
CSVW = "http://www.w3.org/ns/csvw"

_DATATYPES = {
    str(XSD.integer): "integer",
    str(XSD.decimal): "decimal",
    str(XSD.double): "double",
    str(XSD.boolean): "boolean",
    str(XSD.date): "date",
    str(XSD.gYear): "gYear",
    str(XSD.string): "string",
}

# Titles of the columns that every kind has (and of keys of vocabularies
# outside the project, which bring no German label of their own).
_TITLES = {
    "id": ("IRI", "IRI"),
    "web": ("Webseite", "web page"),
    "type": ("Typen", "types"),
    "label": ("Bezeichnung", "label"),
    "amount": ("Betrag", "amount"),
    "currency": ("Währung", "currency"),
    "value": ("Wert", "value"),
    "startDate": ("Beginn", "start date"),
    "endDate": ("Ende", "end date"),
    "location": ("Ort", "place"),
    "wasDerivedFrom": ("Fundstelle", "source passage"),
    "comment": ("Erläuterung", "comment"),
    "isPartOf": ("Teil von", "part of"),
    "subject": ("Thema", "subject"),
}


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _titles(de: str, en: str) -> dict:
    return {"de": de, "en": en}


def _predicate_titles(union, iri: str, key: str) -> tuple[str, str]:
    if key in _TITLES:
        return _TITLES[key]
    found = {lit.language: str(lit) for lit in union.objects(URIRef(iri), RDFS.label) if isinstance(lit, Literal)}
    return found.get("de", key), found.get("en", found.get("de", key))


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _scalar_type(values, declared: str | None) -> str:
    if declared in _DATATYPES:
        return _DATATYPES[declared]
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "integer"
    if kinds and kinds <= {int, Decimal}:
        return "decimal"
    return "string"


def kind_table(doc: dict, union, name: str) -> tuple[str, dict]:
    """One kind's plain JSON as CSV and its CSVW table description."""
    ctx, things = doc["@context"], doc["data"]
    keys = sorted({k for t in things for k in t} - {"id", "type", "label", "web", "money"})
    columns: list[dict] = [
        {"name": "id", "titles": _titles("IRI", "IRI"), "datatype": "anyURI", "required": True},
        {"name": "web", "titles": _titles("Webseite", "web page"), "datatype": "anyURI",
         "propertyUrl": str(plainjson.WEB)},
        {"name": "type", "titles": _titles("Typen", "types"), "datatype": "string", "separator": SEPARATOR},
        {"name": "label_de", "titles": _titles("Bezeichnung (deutsch)", "label (German)"), "datatype": "string",
         "lang": "de", "propertyUrl": str(RDFS.label)},
        {"name": "label_en", "titles": _titles("Bezeichnung (englisch)", "label (English)"), "datatype": "string",
         "lang": "en", "propertyUrl": str(RDFS.label)},
    ]
    getters = [
        lambda t: t["id"],
        lambda t: t["web"],
        lambda t: SEPARATOR.join(t["type"]),
        lambda t: t["label"].get("de", ""),
        lambda t: t["label"].get("en", ""),
    ]
    if any("money" in t for t in things):
        columns.append({"name": "amount", "titles": _titles("Betrag", "amount"), "datatype": "decimal",
                        "propertyUrl": str(plainjson.SCHEMA.value)})
        columns.append({"name": "currency", "titles": _titles("Währung", "currency"), "datatype": "string",
                        "propertyUrl": str(plainjson.SCHEMA.currency)})
        getters.append(lambda t: _cell(t.get("money", {}).get("amount", "")))
        getters.append(lambda t: t.get("money", {}).get("currency", ""))
    for key in keys:
        definition = ctx.get(key, {})
        iri = definition["@id"] if isinstance(definition, dict) else definition
        de, en = _predicate_titles(union, iri, key)
        values = [t[key] for t in things if key in t]
        flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
        is_list = any(isinstance(v, list) for v in values)
        if all(isinstance(x, dict) and "id" in x for x in flat):  # linked things: IRI and German label
            col = {"name": key, "titles": _titles(f"{de} (IRI)", f"{en} (IRI)"), "datatype": "anyURI",
                   "propertyUrl": iri, "valueUrl": "{+" + key + "}"}
            lab = {"name": f"{key}_label", "titles": _titles(de, en), "datatype": "string", "lang": "de",
                   "suppressOutput": True}
            if is_list:
                col["separator"] = lab["separator"] = SEPARATOR
                del col["valueUrl"]
            columns += [col, lab]
            getters.append(lambda t, k=key: SEPARATOR.join(x["id"] for x in _list(t.get(k))))
            getters.append(lambda t, k=key: SEPARATOR.join(x.get("label", {}).get("de", "") for x in _list(t.get(k))))
        elif all(isinstance(x, dict) for x in flat):  # language maps: one column per language
            langs = sorted({lang for x in flat for lang in x})
            for lang in langs:
                suffix = "none" if lang == "@none" else lang
                col = {"name": f"{key}_{suffix}", "datatype": "string", "propertyUrl": iri,
                       "titles": _titles(f"{de} ({'deutsch' if lang == 'de' else 'englisch' if lang == 'en' else 'ohne Sprache'})",
                                         f"{en} ({'German' if lang == 'de' else 'English' if lang == 'en' else 'no language'})")}
                if lang != "@none":
                    col["lang"] = lang
                if any(isinstance(x.get(lang), list) for x in flat):
                    col["separator"] = SEPARATOR
                columns.append(col)
                getters.append(lambda t, k=key, la=lang: SEPARATOR.join(_list(t.get(k, {}).get(la, ""))))
        else:
            declared = definition.get("@type") if isinstance(definition, dict) else None
            col = {"name": key, "titles": _titles(de, en), "datatype": _scalar_type(flat, declared), "propertyUrl": iri}
            if is_list:
                col["separator"] = SEPARATOR
            columns.append(col)
            getters.append(lambda t, k=key: SEPARATOR.join(_cell(x) for x in _list(t.get(k, ""))))
    rows = [[g(t) for g in getters] for t in things]
    header = [c["name"] for c in columns]
    table = {
        "url": f"{name}.csv",
        "dc:title": _titles(*_kind_titles(name)),
        "tableSchema": {"columns": columns, "primaryKey": "id", "aboutUrl": "{+id}"},
    }
    return _csv(header, rows), table


def _kind_titles(name: str) -> tuple[str, str]:
    kind = next(k for k in plainjson.KINDS if k.name == name)
    return kind.title_de, kind.title_en


def _list(value):
    if value in ("", None):
        return []
    return value if isinstance(value, list) else [value]


def query_table(project, cq) -> tuple[str, dict]:
    """The result of one question query as CSV and its CSVW table description."""
    answer = project.store.query(cq.text, source=str(cq.path))
    german = [c.strip() for c in cq.meta.get("Spalten", "").split(",")]
    columns, header = [], []
    for i, var in enumerate(answer.vars):
        values = [row[var] for row in answer.rows if var in row]
        types = set()
        for v in values:
            if isinstance(v, URIRef):
                types.add("anyURI")
            elif isinstance(v, Literal) and v.language:
                types.add("string")
            elif isinstance(v, Literal):
                types.add(_DATATYPES.get(str(v.datatype or XSD.string), "string"))
            else:
                types.add("string")
        if len(types) == 1:
            datatype = types.pop()
        elif types == {"integer", "decimal"}:  # an integer is a decimal
            datatype = "decimal"
        else:
            datatype = "string"
        de = german[i] if i < len(german) and german[i] else var
        columns.append({"name": var, "titles": _titles(de, var.replace("_", " ")), "datatype": datatype})
        header.append(var)
    rows = [[_term(row.get(var)) for var in answer.vars] for row in answer.rows]
    table = {
        "url": f"{cq.slug}.csv",
        "dc:title": _titles(f"Antwort auf Frage {cq.question}", f"Answer to question {cq.question}"),
        "dc:source": {"@id": str(cq.iri)},
        "tableSchema": {"columns": columns},
    }
    return _csv(header, rows), table


def _term(t) -> str:
    if t is None:
        return ""
    return str(t)


def render(project, result, files) -> dict[str, str]:
    out: dict[str, str] = {}
    tables = []
    for kind in plainjson.KINDS:
        doc = json.loads(files[f"json/{kind.name}.json"], parse_float=Decimal)
        text, table = kind_table(doc, project.union, kind.name)
        out[f"csv/{kind.name}.csv"] = text
        tables.append(table)
    for cq in catalogue.question_queries():
        text, table = query_table(project, cq)
        out[f"csv/{cq.slug}.csv"] = text
        tables.append(table)
    metadata = {
        "@context": [CSVW, {"@language": "de"}],
        "dc:title": _titles("Packt Niedersachsen an? – Drucksache 17/7349 als Tabellen",
                            "Packt Niedersachsen an? – Drucksache 17/7349 as tables"),
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dialect": {"encoding": "utf-8", "header": True, "lineTerminators": ["\r\n"]},
        "tables": tables,
    }
    out["csv/csv-metadata.json"] = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
    return out
