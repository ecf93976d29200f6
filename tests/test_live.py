"""A corpus kept up to date after each change (validate/live.py, `validate --corpus DIR --watch`).

After every change of a series, the live corpus's findings must equal those
of validating the changed corpus from scratch, and its units those that
`tasks()` makes from the whole store; and the work must stay with the
change: the other document is not validated again, the checks run on the
changed part only. The corpus is synthetic (`synthetic.make_corpus`): this
document and one copy, 90-0001."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from packtan import config
from packtan.corpus import discover
from packtan.errors import UserError
from packtan.synthetic import make_corpus
from packtan.validate.corpus import validate_corpus
from packtan.validate.live import LiveCorpus

COPY = "90-0001"
ID = config.BASE + f"id/doc/{COPY}/"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("live") / "c"
    make_corpus(dest, 1)
    return dest


@pytest.fixture
def root(base, tmp_path) -> Path:
    dest = tmp_path / "c"
    shutil.copytree(base, dest)
    return dest


def _keys(findings) -> list[tuple]:
    return sorted((str(f.focus), str(f.path), str(f.component), str(f.shape), str(f.value), f.check or "") for f in findings)


_TICK = [0]


def _write(path: Path, text: str) -> None:
    """Write and give the file a modification time of its own (a change is seen even within one clock tick)."""
    path.write_text(text, encoding="utf-8")
    _TICK[0] += 1
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + _TICK[0] * 1_000_000))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{path.name}: {old[:60]!r} not found"
    _write(path, text.replace(old, new, 1))


def _agrees(live: LiveCorpus, root: Path) -> list[tuple]:
    """The live findings, checked against a validation of the corpus from scratch."""
    reference = validate_corpus(discover(root), jobs=1, cache_dir=None)
    assert _keys(live.result.findings) == _keys(reference.findings)
    assert [live.units[t.name] for t in reference.tasks] == reference.tasks
    return _keys(live.result.findings)


def _checks(found: list[tuple]) -> set[str]:
    return {k[5] for k in found if k[5]}


def test_every_change_of_a_series_gives_the_findings_of_a_validation_from_scratch(root):
    live = LiveCorpus(root, jobs=1, cache_dir=None)
    assert _agrees(live, root) == []
    measures = root / "data" / COPY / "measures-sprache-arbeit.ttl"
    document = root / "data" / COPY / "document.ttl"
    source = root / "sources" / f"drucksache-{COPY}.txt"
    first = '"Durch die landesweiten und regionalen Integrationskonferenzen werden die Bündnisziele nach gesellschaftspolitischen Schwerpunktthemen bearbeitet und nachhaltige Lösungsansätze gemeinsam entwickelt. (Kopie 90/0001)"@de'
    second = '"In den bisherigen Arbeitskonferenzen wurden die vordringlichen Handlungsfelder bearbeitet und wirksame Beiträge für eine gelingende Integration erarbeitet. (Kopie 90/0001)"@de'
    original = measures.read_text(encoding="utf-8")

    def step(change, expected_checks: set[str], units=(COPY,)) -> list[tuple]:
        change()
        update = live.update()
        assert update is not None and not update.full
        assert update.units == list(units)  # the other document is not validated again
        # every integrity check ran on the changed part only
        assert update.checks and all(how.split(":")[0] in ("focus", "label") for how in update.checks.values()), update.checks
        found = _agrees(live, root)
        assert _checks(found) == expected_checks
        return found

    # two claims of the copy with the same German label: one duplicate-labels finding
    found = step(lambda: _edit(measures, second, first), {"duplicate-labels"})
    assert [k for k in found if k[5] == "duplicate-labels"][0][0] == ID + "claim/q5-handlungsfelder-bearbeitet"
    step(lambda: _write(measures, original), set())
    # a resource without its type
    step(lambda: _edit(measures, "cl:q5-handlungsfelder-bearbeitet a pa:Claim ;", "cl:q5-handlungsfelder-bearbeitet"), {"untyped-resources"})
    step(lambda: _write(measures, original), set())
    # a reference to a passage that does not exist
    refs = "prov:wasDerivedFrom psg:q5-sprache-einleitung-handlungsfelder ."
    step(lambda: _edit(measures, refs, "prov:wasDerivedFrom psg:q5-sprache-einleitung-handlungsfelder , psg:nirgends ."), {"dangling-references"})
    # the only fact derived from a passage now derived from another: the passage is an orphan
    step(lambda: _edit(measures, "psg:q5-sprache-einleitung-handlungsfelder , psg:nirgends .", "psg:q5-sprache-einleitung-buendnisziele ."), {"orphan-passages"})
    # a quote that is not in the source: no selectors are derived for it (the derived graph changes)
    step(lambda: _edit(document, 'pa:quote "Packt Niedersachsen an?"@de', 'pa:quote "Packt Niedersachsen nicht an?"@de'), {"orphan-passages", "passage-positions"})
    step(lambda: _edit(document, 'pa:quote "Packt Niedersachsen nicht an?"@de', 'pa:quote "Packt Niedersachsen an?"@de'), {"orphan-passages"})
    step(lambda: _write(measures, original), set())
    # the copy states a second German label of a resource of this document: both are validated again
    events = root / "data" / COPY / "events.ttl"
    step(
        lambda: _write(events, events.read_text(encoding="utf-8") + f'\n<{config.BASE}id/doc/17-7349/frage-1> <http://www.w3.org/2000/01/rdf-schema#label> "Noch eine Frage"@de .\n'),
        {"label-languages"},
        units=("17-7349", COPY),
    )
    # a source text changed: the copy is validated again (its selectors are derived from it)
    text = source.read_text(encoding="utf-8")
    _write(source, text + "\n")
    update = live.update()
    assert update is not None and update.units == [COPY]
    _agrees(live, root)
    assert live.update() is None  # nothing changed since


def test_a_changed_term_runs_every_check_over_the_whole_corpus(root):
    live = LiveCorpus(root, jobs=1, cache_dir=None)
    people = root / "data" / COPY / "people.ttl"
    # a document's statement about a property of the vocabulary
    _write(people, people.read_text(encoding="utf-8") + "\n<https://w3id.org/packt-an/vocab#quote> <http://www.w3.org/2000/01/rdf-schema#comment> \"x\"@en .\n")
    update = live.update()
    assert update is not None and set(update.checks.values()) == {"whole"}
    _agrees(live, root)


def test_a_new_file_validates_the_corpus_again_from_the_start(root):
    live = LiveCorpus(root, jobs=1, cache_dir=root / "cache")
    new = root / "data" / COPY / "zz-new.ttl"
    _write(new, f"<{ID}x> <http://www.w3.org/2000/01/rdf-schema#comment> \"y\"@en .\n")
    update = live.update()
    assert update is not None and update.full
    assert update.units == [COPY]  # this document's findings came from the cache
    assert _checks(_agrees(live, root)) == {"untyped-resources"}


def test_a_file_that_does_not_parse_changes_nothing_and_is_reported_once(root):
    live = LiveCorpus(root, jobs=1, cache_dir=None)
    people = root / "data" / COPY / "people.ttl"
    good = people.read_text(encoding="utf-8")
    lines = good.count("\n")
    _write(people, good + "<urn:a> <urn:b\n")
    with pytest.raises(UserError) as exc:
        live.update()
    assert str(exc.value).startswith(f"{people}:{lines + 1}:")
    assert live.update() is None  # reported once, until the file changes again
    assert live.result.conforms
    _write(people, good)
    update = live.update()
    assert update is not None and update.triples == 0
    assert live.result.conforms


def test_a_stray_file_in_data_is_reported_once_and_followed_when_removed(root):
    live = LiveCorpus(root, jobs=1, cache_dir=None)
    stray = root / "data" / "notes.txt"
    stray.write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as exc:
        live.update()
    assert str(exc.value).startswith(f"{stray}: not a folder")
    assert live.update() is None  # the same error is not raised again
    stray.unlink()
    assert live.update() is None  # the files are as before
    people = root / "data" / COPY / "people.ttl"
    _write(people, people.read_text(encoding="utf-8") + "\n")
    update = live.update()
    assert update is not None and not update.full


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_live_build_writes_what_a_build_from_scratch_writes(root, tmp_path):
    from packtan.corpus_build import LiveBuild, build_corpus

    out = tmp_path / "out"
    build = LiveBuild(root, out, jobs=1, cache_dir=tmp_path / "cache")
    assert build.write(full=True) is not None

    def scratch(name: str) -> dict[str, bytes]:
        build_corpus(root, tmp_path / name, jobs=1, cache_dir=None)
        return _files(tmp_path / name)

    assert _files(out) == scratch("ref-0")
    measures = root / "data" / COPY / "measures-sprache-arbeit.ttl"
    original = measures.read_text(encoding="utf-8")
    # a new German label, still unique: the copy's graph and the union are written again, not this document's graph
    _edit(measures, "(Kopie 90/0001)\"@de", "(Kopie 90/0001, bearbeitet)\"@de")
    update = build.live.update()
    names = build.write(update.full)
    assert f"graphs/{COPY}.nt" in names and "corpus.nt" in names and "graphs/17-7349.nt" not in names
    assert _files(out) == scratch("ref-1")
    before = _files(out)
    # a change that breaks a rule: OUT stays as it was
    _edit(measures, "cl:q5-handlungsfelder-bearbeitet a pa:Claim ;", "cl:q5-handlungsfelder-bearbeitet")
    update = build.live.update()
    assert build.write(update.full) is None
    assert _files(out) == before
    _write(measures, original)
    update = build.live.update()
    assert build.write(update.full) is not None
    assert _files(out) == scratch("ref-2") == _files(tmp_path / "ref-0")


def test_a_live_build_without_a_cache_writes_the_whole_folder_after_a_new_file(root, tmp_path):
    """A change that validates from the start writes OUT whole; without a cache the
    graphs it keeps in memory serve again, and OUT is still a build from scratch."""
    from packtan.corpus_build import LiveBuild, build_corpus

    out = tmp_path / "out"
    build = LiveBuild(root, out, jobs=1, cache_dir=None)
    build.write(full=True)
    new = root / "data" / COPY / "zz-empty.ttl"
    _write(new, "# a file without triples\n")
    update = build.live.update()
    assert update.full  # without a cache, every unit is validated again
    names = build.write(update.full)
    assert "graphs/17-7349.nt" in names and "corpus.nt" in names  # the whole folder
    build_corpus(root, tmp_path / "ref", jobs=1, cache_dir=None)
    assert _files(out) == _files(tmp_path / "ref")


def _run(args, **kw):
    return subprocess.run([sys.executable, str(config.ROOT / "build.py"), *args], capture_output=True, text=True, timeout=120, **kw)


def test_watch_needs_a_corpus_and_updates_need_watch(root):
    for args, needs in (
        (["validate", "--watch"], "--watch and --updates need --corpus DIR"),
        (["validate", "--updates", "1"], "--watch and --updates need --corpus DIR"),
        (["validate", "--corpus", str(root), "--updates", "1"], "--updates needs --watch"),
    ):
        done = _run(args)
        assert done.returncode == 2, args
        assert done.stderr.strip().splitlines() == [f"error: build.py validate: {needs}"]
    for args, needs in (
        (["build", "--watch"], "--watch and --updates need --corpus DIR"),
        (["build", "--corpus", str(root), "--out", str(root / "out"), "--updates", "1"], "--updates needs --watch"),
    ):
        done = _run(args)
        assert done.returncode == 2, args
        assert done.stderr.strip().splitlines() == [f"error: build.py build: {needs}"]
    assert not (root / "out").exists()
    done = _run(["validate", "--corpus", str(root), "--watch", "--interval", "0"])
    assert done.returncode == 2 and "must be a positive number of seconds" in done.stderr


def test_watch_reports_again_after_a_change_and_stops(root):
    proc = subprocess.Popen(
        [sys.executable, str(config.ROOT / "build.py"), "validate", "--corpus", str(root), "--watch",
         "--updates", "1", "--interval", "0.1", "--jobs", "1", "--format", "tsv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stderr.readline()
        assert "watching for changes every 0.1 s" in first and first.rstrip().endswith(": conforms"), first
        measures = root / "data" / COPY / "measures-sprache-arbeit.ttl"
        _edit(measures, "cl:q5-handlungsfelder-bearbeitet a pa:Claim ;", "cl:q5-handlungsfelder-bearbeitet")
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
    assert proc.returncode == 1  # the last report does not conform
    assert err.startswith(f"changed {measures}: 1 units validated again"), err
    assert err.rstrip().endswith(": 1 violation(s)")
    rows = [line.split("\t") for line in out.splitlines() if line]
    assert [r[0] for r in rows] == [f"<{ID}claim/q5-handlungsfelder-bearbeitet>"]


def _ignoring_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell starts a background job


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # whatever this process inherited


@pytest.mark.parametrize("sig, ignored", [(signal.SIGINT, False), (signal.SIGINT, True), (signal.SIGTERM, False)])
def test_interrupting_watch_ends_it_with_the_state_of_the_last_report(root, sig, ignored):
    proc = subprocess.Popen(
        [sys.executable, str(config.ROOT / "build.py"), "validate", "--corpus", str(root), "--watch", "--interval", "0.1", "--jobs", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_ignoring_sigint if ignored else _default_sigint,
    )
    try:
        assert "watching for changes" in proc.stderr.readline()
        time.sleep(0.3)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
