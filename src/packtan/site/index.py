"""Indexes of the validated graph for the site: built once, read by every page.

Every page is rendered from these dictionaries (triples by subject, by
object, labels, types, pages), so that rendering ~1 400 pages needs no SPARQL
and no graph scan per page.
"""

from __future__ import annotations

from functools import lru_cache
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, XSD, Literal, URIRef

from .. import config
from . import terms

PA = config.PA
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
OWL = "http://www.w3.org/2002/07/owl#"
VOCAB = config.BASE + "vocab"

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

LABEL_PREDICATES = (str(RDFS.label), SKOS + "prefLabel", FOAF + "name", SDO + "name", DCT + "title")
SEARCH_PREDICATES = LABEL_PREDICATES + (SKOS + "altLabel", SKOS + "hiddenLabel")

_XSD_DATE = str(XSD.date)
_XSD_BOOLEAN = str(XSD.boolean)
_XSD_DECIMALS = frozenset(str(t) for t in (XSD.decimal, XSD.double, XSD.float))
_XSD_INTEGERS = frozenset(str(t) for t in (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger))
_SDO_VALUE = SDO + "value"
_YEAR_PREDICATES = frozenset((str(PA.firstYear), str(PA.lastYear)))

# Lists of the home page: (path under id/, German title, English title)
KINDS = [
    ("event/", "Veranstaltungen", "Events"),
    ("org/", "Organisationen", "Organisations"),
    ("person/", "Personen", "People"),
    ("place/", "Orte", "Places"),
    ("measure/", "Maßnahmen", "Measures"),
    ("proposal/", "Lösungsvorschläge", "Proposals"),
    ("doc/17-7349/expenditure/", "Ausgaben und Kosten", "Spending and costs"),
    ("doc/17-7349/figure/", "Zahlen", "Figures"),
    ("goal/", "Ziele", "Goals"),
    ("action-field/", "Handlungsfelder", "Action fields"),
    ("doc/17-7349/claim/", "Aussagen", "Statements"),
    ("doc/17-7349/passage/", "Fundstellen", "Passages"),
    ("post/", "Ämter", "Posts"),
    ("membership/", "Mitgliedschaften", "Memberships"),
    ("fiscal-period/", "Haushaltszeiträume", "Fiscal periods"),
    ("work/", "Werke", "Works"),
]


def german_number(value, decimals: int | None = None) -> str:
    """1234567.5 -> "1 234 567,50" (decimals given) or "1 234 567,5"; as the document prints."""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if d < 0 else ""
    d = abs(d)
    if decimals is not None:
        text = f"{d:.{decimals}f}"
    else:
        text = format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + " ".join(groups) + ("," + frac if frac else "")


def money(value) -> str:
    return german_number(value, 2) + " €"


def german_date(d: date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def english_date(d: date) -> str:
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def relative(from_page: str, to: str) -> str:
    """A link from the site file `from_page` to the site file `to` (both relative to the site root):
    up to the root, then down (`../../id/place/hannover.html`); a link within the page stays `#…`."""
    if to.startswith(("http://", "https://", "mailto:")):
        return to
    if to.startswith("#"):
        return to
    return "../" * from_page.count("/") + to


def root_of(page: str) -> str:
    depth = page.count("/")
    return "../" * depth


@lru_cache(maxsize=None)
def _curie(iri: str) -> str:
    return config.curie(iri) or iri


def _pair_key(po) -> tuple[str, str]:
    return (str(po[0]), str(po[1]))


class Index:
    def __init__(self, project):
        g = project.union
        self.graph = g
        self.project = project
        self.out: dict[URIRef, list] = defaultdict(list)
        self.inv: dict[URIRef, list] = defaultdict(list)
        rdf_type = str(RDF.type)
        out, inv = self.out, self.inv
        for s, p, o in g:
            out[s].append((p, o))
            if isinstance(o, URIRef) and not (type(p) is URIRef and str(p) == rdf_type):  # p != RDF.type
                inv[o].append((p, s))
        for d in (out, inv):
            for k in d:
                d[k].sort(key=_pair_key)
        self.labels: dict[URIRef, dict[str, str]] = {}
        for s, pos in out.items():
            lab: dict[str, str] = {}
            for pred in LABEL_PREDICATES:
                for p, o in pos:  # sorted: the first of several labels in a language wins
                    if str(p) == pred and isinstance(o, Literal):
                        lab.setdefault(o.language or "", str(o))
                if lab:
                    break
            if lab:
                self.labels[s] = lab
        self.types: dict[URIRef, list[URIRef]] = {
            s: sorted(o for p, o in pos if type(p) is URIRef and str(p) == rdf_type) for s, pos in out.items()}
        self.subjects = sorted((s for s in self.out if isinstance(s, URIRef)), key=str)
        # pages: every subject of the graph under the base has one
        self.pages: dict[str, str] = {}
        for s in self.subjects:
            page = self.page_path(str(s))
            if page:
                self.pages[str(s)] = page
        # by plain strings (rdflib terms compare and hash in Python; a page asks these ~100 000 times)
        self._labels_by_iri = {str(s): lab for s, lab in self.labels.items() if type(s) is URIRef}
        self._values: dict[str, dict[str, list]] = {}
        for s, pos in self.out.items():
            if type(s) is URIRef:
                by_p: dict[str, list] = {}
                for p, o in pos:
                    by_p.setdefault(str(p), []).append(o)
                self._values[str(s)] = by_p
        self._label_memo: dict[tuple[str, str], str] = {}
        self._href_memo: dict[tuple[str, int], str | None] = {}
        self._kind_memo: dict[str, str | None] = {}
        self._question_memo: dict[str, URIRef | None] = {}

    # --- where things are -------------------------------------------------
    @staticmethod
    def page_path(iri: str) -> str | None:
        """The site file of an IRI of the graph: PATH -> PATH.html; vocab#Term -> vocab/Term.html."""
        if not iri.startswith(config.BASE):
            return None
        rest = iri[len(config.BASE):]
        if "#" in rest:
            doc, frag = rest.split("#", 1)
            if doc == "vocab" and frag and "/" not in frag:
                return f"vocab/{frag}.html"
            return None
        if not rest or rest.endswith("/") or ".." in rest.split("/"):
            return None
        if rest.startswith("dist/"):
            return rest  # a file of the site's copy of dist/
        return rest + ".html"

    def href(self, iri, from_page: str) -> str | None:
        iri = str(iri)
        key = (iri, from_page.count("/"))
        try:
            return self._href_memo[key]
        except KeyError:
            pass
        out = self._href_memo[key] = self._href(iri, from_page)
        return out

    def _href(self, iri: str, from_page: str) -> str | None:
        page = self.pages.get(iri)
        if page is None and iri.startswith(config.BASE + "dist/"):
            page = iri[len(config.BASE):]
        if page is None and iri == VOCAB:
            page = "vocab.html"
        if page is None:
            return iri if not iri.startswith(config.BASE) else None
        return relative(from_page, page)

    # --- labels -----------------------------------------------------------
    def label(self, term, lang: str = "de") -> str:
        if not isinstance(term, str):
            return self._label(str(term), None, lang)
        t = str(term)
        key = (t, lang)
        try:
            return self._label_memo[key]
        except KeyError:
            pass
        out = self._label_memo[key] = self._label(t, self._labels_by_iri.get(t), lang)
        return out

    @staticmethod
    def _label(t: str, lab: dict | None, lang: str) -> str:
        if lab:
            return lab.get(lang) or lab.get("de") or lab.get("") or next(iter(lab.values()))
        known = terms.LABELS.get(t)
        if known:
            return known[0] if lang == "de" else known[1]
        return _curie(t)

    def label_pair(self, term) -> tuple[str, str]:
        de, en = self.label(term, "de"), self.label(term, "en")
        return de, ("" if en == de else en)

    def curie(self, term) -> str:
        return _curie(str(term))

    def values(self, s, p) -> list:
        by_p = self._values.get(str(s))
        return list(by_p.get(str(p), ())) if by_p else []

    def value(self, s, p):
        by_p = self._values.get(str(s))
        v = by_p.get(str(p)) if by_p else None
        return v[0] if v else None

    def literal(self, s, p, lang: str = "de") -> str | None:
        best = None
        by_p = self._values.get(str(s))
        for o in (by_p.get(str(p), ()) if by_p else ()):
            if isinstance(o, Literal):
                if o.language == lang:
                    return str(o)
                if best is None and not o.language:
                    best = str(o)
        return best

    # --- values for people ----------------------------------------------
    def is_money(self, s) -> bool:
        return self.literal(s, SDO + "currency") == "EUR"

    def figure_words(self, s) -> tuple[str, str] | None:
        """An honest figure in words: "über 600 Teilnehmende", "rund 670 … (erwartet)",
        "538 967,95 €, Stand: 27. Februar 2017", "nicht ermittelbar" (de, en)."""
        value = self.value(s, SDO + "value")
        status = self.value(s, PA.figureStatus)
        precision = self.value(s, PA.precision)
        if value is None and status is None:
            return None
        if value is None:
            de = self.label(status, "de") if status is not None else "nicht angegeben"
            en = self.label(status, "en") if status is not None else "not stated"
            return de, en
        prefix = {str(PA.moreThan): ("über ", "more than "), str(PA.approximately): ("rund ", "about "),
                  str(PA.upTo): ("bis zu ", "up to ")}.get(str(precision), ("", ""))
        if self.is_money(s):
            num_de, num_en = money(value), f"EUR {Decimal(str(value)):,.2f}"
        else:
            num_de, num_en = german_number(value), f"{Decimal(str(value)):,}"
            unit_de, unit_en = self.literal(s, SDO + "unitText", "de"), self.literal(s, SDO + "unitText", "en")
            if unit_de:
                num_de += " " + unit_de
            if unit_en:
                num_en += " " + unit_en
        de, en = prefix[0] + num_de, prefix[1] + num_en
        if status is not None and str(status) in (str(PA.expected), str(PA.planned)):
            de += f" ({self.label(status, 'de')})"
            en += f" ({self.label(status, 'en')})"
        rd = self.value(s, PA.reportingDate)
        if isinstance(rd, Literal) and rd.datatype == XSD.date:
            d = rd.toPython()
            de += f", Stand: {german_date(d)}"
            en += f", as of {english_date(d)}"
        return de, en

    def format_literal(self, s, p, o: Literal) -> str:
        dt = o.datatype
        if dt is None:
            return str(o)
        dt = str(dt)
        if dt == _XSD_DATE:
            try:
                return german_date(o.toPython())
            except (TypeError, ValueError):
                return str(o)
        if dt == _XSD_BOOLEAN:
            return "ja" if o.toPython() else "nein"
        if dt in _XSD_DECIMALS:
            if str(p) == _SDO_VALUE and self.is_money(s):
                return money(o)
            return german_number(o)
        if dt in _XSD_INTEGERS:
            if str(p) in _YEAR_PREDICATES or "year" in str(p).lower():
                return str(o)
            return german_number(o)
        return str(o)

    # --- provenance ---------------------------------------------------------
    def passage_question(self, passage) -> URIRef | None:
        """The question a passage answers (through the answer, or the question it is part of)."""
        key = str(passage)
        try:
            return self._question_memo[key]
        except KeyError:
            pass
        out = self._question_memo[key] = self._passage_question(passage)
        return out

    def _passage_question(self, passage) -> URIRef | None:
        for part in self.values(passage, DCT + "isPartOf"):
            if PA.Question in self.types.get(part, ()):
                return part
            q = self.value(part, PA.answers)
            if q is not None:
                return q
        return None

    def kind_of(self, iri: str) -> str | None:
        try:
            return self._kind_memo[str(iri)]
        except KeyError:
            pass
        out = self._kind_memo[str(iri)] = self._kind_of(str(iri))
        return out

    @staticmethod
    def _kind_of(iri: str) -> str | None:
        rest = iri[len(str(config.ID)):] if iri.startswith(str(config.ID)) else None
        if rest is None:
            return None
        best = None
        for prefix, _de, _en in KINDS:
            if rest.startswith(prefix) and (best is None or len(prefix) > len(best)):
                best = prefix
        return best
