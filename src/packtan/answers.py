"""Regenerate the government's answer from the graph: Markdown and HTML.

Each question of the Drucksache, with its German wording, the answer rendered
from the result of its query (a table, as the printed answer has where it has
tables), the query itself, and the analyses the printed answer does not have.
Numbers and dates are printed as the document prints them ("538 967,95 €",
"16. März 2016"), chosen by each value's datatype; this is the only place
where values are formatted — the queries return typed values. A query whose
header says `# currency: EUR` has its xsd:decimal values printed as euros.
"""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

from rdflib import RDFS, XSD, Graph, Literal, URIRef

from . import config
from .catalogue import CatalogueQuery, analysis_queries, question_queries
from .query import Answer, compact

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"]


NUMERIC = (XSD.decimal, XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger)
CURRENCY_SIGNS = {"EUR": "€"}


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return " ".join(out)


def german_number(value, places: int | None = None) -> str:
    """1570 -> "1 570", 538967.95 -> "538 967,95"; `places` fixes the decimals (money: 2)."""
    d = Decimal(str(value))
    sign = "-" if d < 0 else ""
    d = abs(d)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
    text = format(d, "f")
    whole, _, frac = text.partition(".")
    return sign + _group(whole) + ("," + frac if frac else "")


def german_date(d: date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def cell(term, graph: Graph, currency: str | None = None) -> str:
    """A result term as the document prints it, chosen by its datatype: an IRI
    by its German label, xsd:date "16. März 2016", xsd:gYearMonth "März 2016",
    xsd:gYear "2016", integers "1 570", xsd:decimal "538 967,95" (with the
    query's currency, "538 967,95 €"), xsd:boolean "ja"/"nein"."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        label = None
        for l in graph.objects(term, RDFS.label):
            if isinstance(l, Literal) and l.language == "de":
                label = str(l)
        return label or compact(term)
    if isinstance(term, Literal):
        dt, text = term.datatype, str(term)
        try:
            if dt == XSD.date:
                return german_date(date.fromisoformat(text))
            if dt == XSD.gYearMonth:
                year, month = text.split("-")[:2]
                return f"{MONTHS[int(month) - 1]} {int(year)}"
            if dt == XSD.gYear:
                return str(int(text))
            if dt == XSD.decimal and currency:
                return german_number(text, 2) + " " + CURRENCY_SIGNS.get(currency, currency)
            if dt in NUMERIC:
                return german_number(text)
            if dt == XSD.boolean:
                return "ja" if text in ("true", "1") else "nein"
        except (ValueError, ArithmeticError, IndexError):
            return text
        return text
    return str(term)


def _is_number(term) -> bool:
    return isinstance(term, Literal) and term.datatype in NUMERIC


def _rows(answer: Answer, graph: Graph, cq: CatalogueQuery | None = None) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """Column titles and, per row, (text, is a number) per cell."""
    if answer.kind == "ASK":
        return ["Antwort"], [[("ja" if answer.boolean else "nein", False)]]
    currency = cq.meta.get("currency") if cq is not None else None
    rows = [[(cell(row.get(v), graph, currency), _is_number(row.get(v))) for v in answer.vars] for row in answer.rows]
    head = answer.vars
    if cq is not None and cq.meta.get("Spalten"):
        titles = [t.strip() for t in cq.meta["Spalten"].split(",")]
        if len(titles) == len(head):
            head = titles
    return head, rows


def _md_table(head: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(esc(c) for c, _num in r) + " |" for r in rows]
    return "\n".join(lines)


def _question_text(graph: Graph, number: str) -> tuple[str, str]:
    pa = config.PA
    for q in graph.subjects(pa.questionNumber, Literal(number)):
        de = en = ""
        for t in graph.objects(q, pa.questionText):
            if t.language == "de":
                de = str(t)
            elif t.language == "en":
                en = str(t)
        return de, en
    return "", ""


def _sections(store):
    """(kind, catalogue query, answer) in the order of the answer; run once."""
    return list(_ordered(store))


def _ordered(store):
    questions = question_queries()
    analyses = analysis_queries()
    after: dict[str, list[CatalogueQuery]] = {}
    for a in analyses:
        after.setdefault(a.meta.get("after", ""), []).append(a)
    for q in questions:
        yield "question", q, store.query(q.text, str(q.path))
        for a in after.get(q.question, []):
            yield "analysis", a, store.query(a.text, str(a.path))
    for key, items in sorted(after.items()):
        if key not in {q.question for q in questions}:
            for a in items:
                yield "analysis", a, store.query(a.text, str(a.path))


TITLE = "Packt Niedersachsen an? – die Antwort aus dem Graphen"
INTRO = (
    "Kleine Anfrage zur schriftlichen Beantwortung mit Antwort der Landesregierung, Drucksache 17/7349 "
    "des Niedersächsischen Landtags. Jede Antwort unten ist das Ergebnis einer SPARQL-Abfrage über den "
    "Wissensgraphen; die Abfrage steht jeweils darunter. Abschnitte „Analyse“ rechnen nach, was die "
    "gedruckte Antwort nicht ausweist."
)


def render_markdown(graph: Graph, sections) -> str:
    out = [f"# {TITLE}", "", INTRO, ""]
    for kind, cq, answer in sections:
        head, rows = _rows(answer, graph, cq)
        if kind == "question":
            de, en = _question_text(graph, cq.question)
            out += [f"## Frage {cq.question}", "", f"> {de}", "", f"*{en}*", ""]
        else:
            out += [f"### Analyse: {cq.meta.get('Analyse', cq.slug)}", "", f"*{cq.meta.get('analysis', '')}*", ""]
        if cq.meta.get("summary"):
            out += [cq.meta["summary"], ""]
        out += [_md_table(head, rows), "", f"{len(rows)} Zeile(n) · Abfrage `queries/{cq.path.name}`:", ""]
        out += ["```sparql", cq.text.rstrip("\n"), "```", ""]
    return "\n".join(out)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:2px solid #c00;padding-bottom:.2rem}
blockquote{margin:0;padding:.5rem 1rem;background:#f4f4f4;border-left:4px solid #999}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}td.num{text-align:right;white-space:nowrap}
details{margin:.5rem 0 1.5rem}pre{background:#f8f8f8;padding:.75rem;overflow-x:auto;font-size:.8rem}
.analysis{border-left:4px solid #06c;padding-left:1rem}.en{color:#555;font-style:italic}
"""


def render_html(graph: Graph, sections) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="de">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(TITLE)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(TITLE)}</h1>",
        f"<p>{e(INTRO)}</p>",
    ]
    for kind, cq, answer in sections:
        head, rows = _rows(answer, graph, cq)
        if kind == "question":
            de, en = _question_text(graph, cq.question)
            out.append(f'<section class="question" id="frage-{e(cq.question)}">')
            out.append(f"<h2>Frage {e(cq.question)}</h2>")
            out.append(f"<blockquote>{e(de)}</blockquote>")
            out.append(f'<p class="en">{e(en)}</p>')
        else:
            out.append(f'<section class="analysis" id="{e(cq.slug)}">')
            out.append(f"<h3>Analyse: {e(cq.meta.get('Analyse', cq.slug))}</h3>")
            out.append(f'<p class="en">{e(cq.meta.get("analysis", ""))}</p>')
        if cq.meta.get("summary"):
            out.append(f"<p>{e(cq.meta['summary'])}</p>")
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead>")
        out.append("<tbody>")
        for r in rows:
            out.append(
                "<tr>" + "".join(f'<td class="num">{e(c)}</td>' if num else f"<td>{e(c)}</td>" for c, num in r) + "</tr>"
            )
        out.append("</tbody></table>")
        out.append(f"<details><summary>SPARQL: queries/{e(cq.path.name)}</summary><pre><code>{e(cq.text)}</code></pre></details>")
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def render_answers(project) -> dict[str, str]:
    """answers.md and answers.html from one run of the queries."""
    sections = _sections(project.store)
    graph = project.union
    return {"answers.md": render_markdown(graph, sections), "answers.html": render_html(graph, sections)}


def render(project, result, files=None) -> dict[str, str]:
    return render_answers(project)
