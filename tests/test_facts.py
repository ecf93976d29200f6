"""The facts against the document: counts per question and key values.

Every expected figure here was read off sources/drucksache-17-7349.txt (the
question it comes from is named in each test), not taken from the graph.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from packtan.config import ID, PA

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
EV = Namespace(str(ID) + "event/")
AG = Namespace(str(ID) + "org/")


@pytest.fixture(scope="module")
def g(project):
    return project.union


def instances(g, cls):
    return set(g.subjects(RDF.type, cls))


def de(g, s) -> str:
    return next(str(l) for l in g.objects(s, RDFS.label) if l.language == "de")


def date(s: str) -> Literal:
    return Literal(s, datatype=XSD.date)


def figures_of(g, thing):
    return list(g.subjects(PA.figureOf, thing))


def value(g, fig) -> Decimal:
    return Decimal(str(g.value(fig, SCHEMA.value)))


# --- cover page ----------------------------------------------------------------


def test_cover_page(g):
    doc = ID["doc/17-7349"]
    assert str(g.value(doc, URIRef("http://purl.org/dc/terms/identifier"))) == "17/7349"
    assert g.value(doc, PA.receivedDate) == date("2017-02-01")
    assert g.value(doc, PA.forwardedDate) == date("2017-02-06")
    assert g.value(doc, PA.answerDate) == date("2017-02-28")
    assert g.value(doc, URIRef("http://purl.org/dc/terms/issued")) == date("2017-03-07")
    creators = set(g.objects(doc, URIRef("http://purl.org/dc/terms/creator")))
    assert len(creators) == 8  # Bruns, von Below-Neufeldt, Eilers, Dürr, Bode, Försterling, Grascha, Kortlang
    for person in creators:
        assert (person, ORG.memberOf, AG.fdp) in g
    assert "Jörg Mielke" in de(g, g.value(doc, PA.signedBy))


def test_ten_questions_and_two_sub_questions(g):
    numbers = sorted(str(n) for n in g.objects(None, PA.questionNumber))
    assert numbers == sorted(["1", "2", "3", "4", "5", "6", "6a", "6b", "7", "8", "9", "10"])


# --- question 1 -----------------------------------------------------------------


def test_q1_alliance_founding_and_initiators(g):
    alliance = AG["niedersachsen-packt-an"]
    assert g.value(alliance, SCHEMA.foundingDate) == date("2015-11-30")
    initiators = {
        g.value(m, ORG.member)
        for m in g.subjects(ORG.role, PA.initiator)
        if g.value(m, ORG.organization) == alliance
    }
    # DGB, the two Christian churches, Unternehmerverbände Niedersachsen, Landesregierung
    assert initiators == {AG.dgb, AG["christliche-kirchen"], AG["unternehmerverbaende-niedersachsen"], AG["landesregierung-niedersachsen"]}


def test_q1_goals_action_fields_units(g):
    alliance = AG["niedersachsen-packt-an"]
    listed = [x for x in g.objects(alliance, PA.goal) if (x, PA.position, None) in g]
    assert len(listed) == 8  # "Die Ziele des Bündnisses sind daher Folgende": eight bullets
    assert len(set(g.objects(alliance, PA.priorityActionField))) == 5
    assert len(instances(g, PA.WorkingGroup)) == 5
    assert {de(g, x) for x in instances(g, PA.RoundTable)} == {"Runder Tisch „Fluchtursachen“"}
    assert len(instances(g, PA.Office)) == 1 and len(instances(g, PA.SteeringCommittee)) == 1
    arl = {x for x in instances(g, PA.PublicBody) if str(x).startswith(str(AG) + "arl-")}
    assert len(arl) == 4  # Braunschweig, Leine-Weser, Lüneburg, Weser-Ems


# --- question 2 -----------------------------------------------------------------


def _figure(g, number, precision=None, status=None):
    found = [f for f in g.subjects(SCHEMA.value, None) if value(g, f) == Decimal(number)]
    if precision is not None:
        found = [f for f in found if g.value(f, PA.precision) == precision]
    if status is not None:
        found = [f for f in found if g.value(f, PA.figureStatus) == status]
    assert found, f"no figure {number} ({precision}, {status})"
    return found[0]


def test_q2_counts_with_their_honesty(g):
    _figure(g, "1570", PA.exact, PA.reported)  # "1 570 … Akteure … zu vernetzen"
    _figure(g, "122", PA.exact, PA.reported)  # "insgesamt 122 Initiativen"
    _figure(g, "1150", PA.moreThan, PA.reported)  # "über 1 150 Akteurinnen und Akteuren"
    f = _figure(g, "670", PA.approximately, PA.expected)  # "Rund 670 … werden hier zusammenkommen"
    assert g.value(f, PA.figureOf) == EV["2017-03-06-integrationskonferenz-werkstatt-buergerschaftliches-engagement"]
    _figure(g, "77", PA.exact)  # "77 Initiativen und Projekte haben sich … gemeldet"


# --- question 3 -----------------------------------------------------------------

REGIONAL = {
    ("2016-05-03", "Hildesheim", "sprache"),
    ("2016-05-19", "Hermannsburg", "sprache"),
    ("2016-05-25", "Braunschweig", "sprache"),
    ("2016-06-02", "Oldenburg", "sprache"),
    ("2016-08-31", "Lüneburg", "arbeit"),
    ("2016-09-02", "Peine", "arbeit"),
    ("2016-09-09", "Oldenburg", "arbeit"),
    ("2016-09-16", "Hameln", "arbeit"),
    ("2016-09-22", "Hildesheim", "wohnen-und-leben"),
    ("2016-11-04", "Goslar", "wohnen-und-leben"),
    ("2016-11-15", "Oldenburg", "wohnen-und-leben"),
    ("2016-11-16", "Verden", "wohnen-und-leben"),
}
STATE = {
    "sprache": "2016-03-16-integrationskonferenz-werkstatt-sprache",
    "arbeit": "2016-06-06-integrationskonferenz-werkstatt-arbeit",
    "wohnen-und-leben": "2016-08-29-integrationskonferenz-werkstatt-wohnen-und-leben",
}


def test_q3_state_wide_conferences(g):
    held = {str(g.value(e, SCHEMA.startDate)) for e in instances(g, PA.IntegrationConference) if g.value(e, PA.eventStatus) == PA.held}
    assert held == {"2016-03-16", "2016-06-06", "2016-08-29"}
    fourth = EV["2017-03-06-integrationskonferenz-werkstatt-buergerschaftliches-engagement"]
    assert g.value(fourth, PA.eventStatus) == PA.scheduled
    assert g.value(fourth, SCHEMA.startDate) == date("2017-03-06")


def test_q3_twelve_regional_conferences(g):
    found = set()
    for e in instances(g, PA.RegionalConference):
        place = g.value(e, SCHEMA.location)
        town = str(g.value(place, SCHEMA.name) or de(g, place))
        topic = next(k for k, v in STATE.items() if g.value(e, PA.continues) == EV[v])
        found.add((str(g.value(e, SCHEMA.startDate)), town, topic))
    assert found == REGIONAL


def test_q3_other_events(g):
    kickoff = EV["2016-01-07-auftaktveranstaltung"]
    assert g.value(kickoff, SCHEMA.startDate) == date("2016-01-07")
    assert "Hannover" in de(g, g.value(kickoff, SCHEMA.location))
    assert "Dresden" in de(g, g.value(EV["2016-10-03-tag-der-deutschen-einheit"], SCHEMA.location))
    assert g.value(EV["2016-11-16-integrationspreis"], SCHEMA.startDate) == date("2016-11-16")
    week = EV["2016-11-30-danke-woche"]
    assert (g.value(week, SCHEMA.startDate), g.value(week, SCHEMA.endDate)) == (date("2016-11-30"), date("2016-12-05"))
    _figure(g, "62", PA.exact)  # "fanden landesweit 62 Veranstaltungen statt"
    assert g.value(EV["2016-12-05-konferenz-fluchtursachen"], SCHEMA.organizer) == AG["runder-tisch-fluchtursachen"]
    assert g.value(EV["2016-12-15-ein-jahr-buendnis"], SCHEMA.startDate) == date("2016-12-15")
    assert g.value(EV["oldenburger-gespraeche"], PA.allianceEvent) == Literal(False)


def test_q3_five_visits(g):
    visits = {}
    for v in instances(g, PA.Visit):
        visitors = {de(g, p) for p in g.objects(v, PA.visitor)}
        companions = {de(g, p) for p in g.objects(v, PA.companion)}
        visits[str(g.value(v, SCHEMA.startDate))] = (visitors, companions)
    assert set(visits) == {"2016-04-21", "2016-04-27", "2016-05-12", "2016-05-17", "2016-06-14"}
    surname = lambda names: {n.split()[-1] for n in names}  # noqa: E731
    assert surname(visits["2016-04-21"][0]) == {"Weil"} and surname(visits["2016-04-21"][1]) == {"Allofs"}
    assert surname(visits["2016-04-27"][0]) == {"Niewisch-Lennartz"}
    assert surname(visits["2016-05-12"][0]) == {"Schröder-Köpf"} and surname(visits["2016-05-12"][1]) == {"Hess-Grunewald"}
    assert surname(visits["2016-05-17"][0]) == {"Meister"} and surname(visits["2016-05-17"][1]) == {"Kunze"}
    assert surname(visits["2016-06-14"][0]) == {"Rüter"} and surname(visits["2016-06-14"][1]) == {"Stichler"}


# --- question 4 -----------------------------------------------------------------


def test_q4_no_resolutions_and_proposals_per_conference(g):
    counts = {}
    for p in instances(g, PA.Proposal):
        conf = g.value(p, PA.proposedAt)
        counts[conf] = counts.get(conf, 0) + 1
        assert g.value(conf, PA.resolutionsPassed) == Literal(False)
    # counted bullet by bullet in the answer to question 4
    assert counts == {EV[STATE["sprache"]]: 19, EV[STATE["arbeit"]]: 22, EV[STATE["wohnen-und-leben"]]: 15}
    for conf in counts:
        positions = sorted(int(g.value(p, PA.position)) for p in g.subjects(PA.proposedAt, conf))
        assert positions == list(range(1, counts[conf] + 1))


# --- question 5 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "number, precision",
    [
        ("600", PA.exact),  # 600 Tablets
        ("89", PA.exact),  # 89 berufsbildende Schulen
        ("263", PA.exact),  # 263 Klassen
        ("4000", PA.approximately),  # ca. 4 000 junge Flüchtlinge
        ("750", PA.exact),  # 750 zusätzliche Lehrkräfte
        ("1900", PA.moreThan),  # mehr als 1 900 Gesprächen
        ("1400", PA.moreThan),  # mehr als 1 400 Flüchtlinge
        ("4700000", PA.exact),  # 4,7 Millionen Euro
        ("960000", PA.upTo),  # bis zu 960 000 Euro jährlich
        ("30", PA.approximately),  # rund 30 % der Flüchtlinge weiblich
        ("1873", PA.exact),  # 1 873 Plätze genehmigt
        ("264", PA.exact),  # 264 Plätze beantragt
        ("100000", PA.exact),  # 100 000 zusätzliche Arbeitsgelegenheiten
        ("300000000", PA.upTo),  # bis zu 300 Millionen Euro jährlich
        ("800000000", PA.moreThan),  # mehr als 800 Millionen Euro
    ],
)
def test_q5_figures(g, number, precision):
    _figure(g, number, precision)


def test_q5_measures_and_their_links(g):
    measures = instances(g, PA.Measure)
    assert len(measures) >= 40
    for m in measures:
        assert (m, PA.responsibleBody, None) in g or (m, PA.responsibleBodyStatus, PA.notStated) in g, m
    places = _figure(g, "1873")
    assert g.value(places, PA.reportingDate) == date("2017-02-06")  # "Bis zum 6. Februar 2017"
    ihafa = ID["measure/ihafa"]
    assert g.value(ihafa, SCHEMA.endDate) == date("2019-01-31")  # "bis zum 31. Januar 2019 verlängert"
    taken_up = {de(g, p) for p in g.objects(ID["measure/sprint-dual"], PA.takesUp)}
    assert "Auftakt von SPRINT-Dual." in taken_up


# --- question 6 -----------------------------------------------------------------


def test_q6_cultural_events(g):
    dates = {(str(g.value(e, SCHEMA.startDate)), str(g.value(e, SCHEMA.endDate))) for e in instances(g, PA.CulturalEvent)}
    assert ("2017-01-17", "2017-01-18") in dates  # Bad Zwischenhahn (as printed)
    assert ("2017-01-24", "2017-01-25") in dates  # Lüneburg
    assert ("2017-04-07", "2017-08-06") in dates  # „immer bunter“, Landesmuseum Hannover
    visitors = _figure(g, "10000", PA.approximately, PA.expected)  # "erwartete Zahl von ca. 10 000"
    assert g.value(visitors, PA.figureOf) == EV["2017-04-07-ausstellung-immer-bunter"]


# --- questions 7 to 10 ----------------------------------------------------------------

Q9_TABLE = [  # the 23 rows of the cost table of question 9, as printed
    "29 536,03", "75 739,24", "4 424,95", "482,00", "2 389,64", "2 931,67", "72 867,03", "4 036,32",
    "4 342,37", "6 930,56", "6 848,33", "76 805,11", "4 868,46", "11 829,83", "3 668,18", "1 865,32",
    "960,00", "6 000,00", "2 374,65", "34 206,38", "168,94", "4 326,98", "46 256,77",
]
Q10_TABLE = ["5.355,00", "63.064,06", "7.855,18", "20.403,81", "345,10", "22.697,39", "316,00", "1614,00", "892,50"]


def german(text: str) -> Decimal:
    return Decimal(text.replace(" ", "").replace(".", "").replace(",", "."))


def _expenditures(g, category):
    return {
        int(g.value(e, PA.position)): Decimal(str(g.value(e, SCHEMA.value)))
        for e in instances(g, PA.Expenditure)
        if g.value(e, PA.costCategory) == category and (e, PA.position, None) in g
    }


def test_q7_budget(g):
    budgets = {str(g.value(b, PA.fiscalPeriod)).rsplit("/", 1)[-1]: (value(g, b), g.value(b, PA.figureStatus)) for b in instances(g, PA.Budget)}
    assert budgets == {
        "2016": (Decimal("1000000"), PA.reported),  # "im Jahr 2016 … mit 1 Million Euro finanziert"
        "2017": (Decimal("1000000"), PA.planned),  # "Für 2017 und 2018 … fortgeschrieben"
        "2018": (Decimal("1000000"), PA.planned),
    }


def test_q8_totals_and_the_costs_that_cannot_be_given(g):
    totals = {str(g.value(t, PA.fiscalPeriod)).rsplit("/", 1)[-1]: t for t in instances(g, PA.ExpenditureTotal)}
    assert value(g, totals["2016"]) == german("538 967,95")
    assert value(g, totals["2017"]) == german("6 543,03")
    assert g.value(totals["2017"], PA.reportingDate) == date("2017-02-27")  # "Stand: 27. Februar 2017"
    impossible = [f for f in g.subjects(PA.figureStatus, PA.notDeterminable)]
    assert len(impossible) == 1 and (impossible[0], SCHEMA.value, None) not in g


def test_q9_every_row_of_the_cost_table(g):
    table = _expenditures(g, PA.eventCosts)
    assert table == {i: german(a) for i, a in enumerate(Q9_TABLE, start=1)}
    fourth = [e for e in instances(g, PA.Expenditure) if value(g, e) == german("1320,52")]
    assert len(fourth) == 1 and g.value(fourth[0], PA.reportingDate) == date("2017-02-27")
    for e in instances(g, PA.Expenditure):
        assert g.value(e, SCHEMA.value).datatype == XSD.decimal
        assert str(g.value(e, SCHEMA.currency)) == "EUR"


def test_q10_other_costs(g):
    assert _expenditures(g, PA.otherWork) == {i: german(a) for i, a in enumerate(Q10_TABLE, start=1)}
    consultancy = [value(g, e) for e in g.subjects(PA.costCategory, PA.consultancy)]
    catering = [value(g, e) for e in g.subjects(PA.costCategory, PA.catering)]
    assert consultancy == [german("16 268,20")] and catering == [german("598,14")]


# --- the audit's findings, each against its passage ---------------------------

DCT = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
MS = Namespace(str(ID) + "measure/")
PROP = Namespace(str(ID) + "proposal/")
PL = Namespace(str(ID) + "place/")
FIG = Namespace(str(ID) + "doc/17-7349/figure/")
PSG = Namespace(str(ID) + "doc/17-7349/passage/")


def test_only_the_special_prize_was_the_alliances(g):
    # Q3: "… Integrationspreis 2016 zum siebten Mal vergeben. … Das Bündnis stiftete einen Sonderpreis."
    prize, special = EV["2016-11-16-integrationspreis"], EV["2016-11-16-sonderpreis-buendnis"]
    assert g.value(prize, PA.allianceEvent) == Literal(False)
    assert g.value(special, PA.allianceEvent) == Literal(True)
    assert (special, SCHEMA.superEvent, prize) in g and (prize, SCHEMA.subEvent, special) in g
    assert g.value(special, SCHEMA.funder) == AG["niedersachsen-packt-an"]


def test_comprehensive_skills_assessment_is_an_aim(g):
    # Q5 Werkstatt Arbeit III: "All diese Personen sollten … eine Kompetenzerfassung … durchlaufen."
    assert g.value(MS["flaechendeckende-kompetenzerfassung"], PA.measureKind) == PA.aim


def test_ekd_study_published_in_september_2016_covering_nov_2015_to_aug_2016(g):
    # Q2: "Im September 2016 … vorgelegt … zwischen November 2015 und August 2016, September 2016"
    study = ID["doc/ekd-fluechtlingsstudie-2016"]
    assert g.value(study, DCT.issued) == Literal("2016-09", datatype=XSD.gYearMonth)
    assert str(g.value(study, SCHEMA.temporalCoverage)) == "2015-11/2016-08"
    assert g.value(study, SCHEMA.startDate) is None and g.value(study, SCHEMA.endDate) is None


def test_sites_are_counted_as_sites(g):
    # Q5: "An den fünf zentralen Standorten der Landesaufnahmebehörde Niedersachsen …"
    fig = FIG["landesaufnahmebehoerde-zentrale-standorte"]
    assert g.value(fig, PA.quantityKind) == PA.sites and g.value(fig, SCHEMA.value) == Literal(5)


def test_landtag_has_only_names_the_document_prints(g):
    labels = {str(x) for x in g.objects(AG["landtag-niedersachsen"], SKOS.altLabel)}
    assert "Niedersächsischer Landtag" not in labels


def test_takes_up_only_where_heading_or_wording_says_so(g):
    assert (MS["deutsch-als-fremdsprache-lehrkraefte"], PA.takesUp, PROP["sprache-qualifizierung-kuenftiger-lehrkraefte"]) not in g
    assert (MS["rechtssicherheit-geduldete-ausbildung"], PA.takesUp, PROP["arbeit-ausbildungsabbrueche-vermeiden"]) not in g
    # the heading-level link stays: "Rechtssicherheit für Geduldete in Ausbildung"
    assert (MS["rechtssicherheit-geduldete-ausbildung"], PA.takesUp, PROP["arbeit-rechtssicherheit-geduldete-ausbildung"]) in g


def test_the_ministry_organised_the_stand_not_the_presentation(g):
    # Q3: "präsentierte sich das Bündnis auf dem vom Innenministerium organisierten Stand auf der Ländermeile"
    ev = EV["2016-10-03-tag-der-deutschen-einheit"]
    assert g.value(ev, SCHEMA.organizer) is None
    stand = g.value(ev, SCHEMA.location)
    assert g.value(stand, PA.operator) == AG["innenministerium"]
    assert g.value(stand, SCHEMA.containedInPlace) == PL["laendermeile-dresden"]


def test_issue_note_is_part_of_the_paper_not_of_answer_10(g):
    assert g.value(PSG["q0-ausgegeben"], DCT.isPartOf) == ID["doc/17-7349"]


def test_misspellings_stay_as_printed_and_the_usual_spelling_is_found(g):
    # Q6: "in Bad Zwischenhahn"; Q1: "Ämter für regionale Landesentwicklung (Arl)"
    for s, printed, usual in (
        (PL["bad-zwischenhahn"], "Bad Zwischenhahn", "Bad Zwischenahn"),
        (AG["aemter-regionale-landesentwicklung"], "Arl", "ArL"),
    ):
        names = {str(x) for p in (RDFS.label, SKOS.altLabel) for x in g.objects(s, p)}
        assert printed in names
        assert g.value(s, PA.misspeltAsPrinted) == Literal(True)
        assert Literal(usual, lang="de") in set(g.objects(s, SKOS.hiddenLabel))


def test_facts_once_only_in_comments_are_typed(g):
    # Q5 Wegweiserkurse: "aus den zwei Modulen „Erstorientierung Leben in Deutschland“ und „Erstorientierung Deutsche Sprache“"
    modules = {str(g.value(m, SCHEMA.name)) for m in g.objects(MS["wegweiserkurse"], DCT.hasPart)}
    assert modules == {"Erstorientierung Leben in Deutschland", "Erstorientierung Deutsche Sprache"}
    # Q5 Integrationsgesetz: "die Berufsausbildungsbeihilfe und das Ausbildungsgeld zum Teil erstmalig geöffnet"
    opened = {str(g.value(m, SCHEMA.name)) for m in g.objects(MS["oeffnung-berufsvorbereitung-ba"], DCT.references)}
    assert opened == {"Berufsausbildungsbeihilfe", "Ausbildungsgeld"}
