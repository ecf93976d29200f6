"""A build renders some outputs in a forked second process: the files are the same."""

from __future__ import annotations

from packtan import dist
from packtan.validate import validate_project


def test_one_process_and_two_give_the_same_files(project):
    result = validate_project(project)
    one = dist.render_dist(project, result, jobs=1)
    two = dist.render_dist(project, result, jobs=2)
    assert list(one) == list(two)  # same names, in the same order
    assert [n for n in one if one[n] != two[n]] == []
    assert any(name.startswith("json/") for name in two) and any(name.startswith("site/") for name in two)


def test_a_failing_child_leaves_the_work_to_this_process(project, monkeypatch):
    """When the second process fails, this one renders those outputs itself (same files)."""
    result = validate_project(project)

    def broken():
        raise RuntimeError("the forked child fails")

    real = dist._Forked

    class Failing(real):
        def __init__(self, fn):
            super().__init__(broken)

    monkeypatch.setattr(dist, "_Forked", Failing)
    two = dist.render_dist(project, result, jobs=2)
    monkeypatch.setattr(dist, "_Forked", real)
    one = dist.render_dist(project, result, jobs=1)
    assert two == one
