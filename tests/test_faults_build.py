"""Fault injection for `build --out` and `answers --out`: never lose a file.

Every case runs the real command line in a subprocess. A failing case must
exit 2 with exactly one line on stderr (`error: …`, no traceback) and leave
every file as it was: the tests compare snapshots (paths, kinds and content
hashes) of the folders involved before and after.

The cases that need root (a tiny tmpfs for a full disk, a read-only mount,
dropped capabilities for a read-only folder) are skipped with the reason
when this process may not do that.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import conftest
import pytest

from conftest import ROOT, copy_project, run

STAMP = ".packt-an-build"


# ---------------------------------------------------------------- helpers

def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root`: kind and content hash (links: their target)."""
    out: dict[str, tuple] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir",)
            else:
                out[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
    return out


def assert_one_error_line(res: subprocess.CompletedProcess, *needles: str) -> str:
    return conftest.assert_one_error_line(res, *needles, quiet_stdout=True)


def new_project(where: Path) -> Path:
    where.mkdir(parents=True)
    return copy_project(where)


def siblings(parent: Path, name: str = "dist") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((f".{name}-new-", f".{name}-old-")))


def previous_build(built: Path, parent: Path) -> Path:
    """A previous build in `parent`: a copy of the session's build (stamp included)."""
    parent.mkdir(parents=True, exist_ok=True)
    out = parent / "dist"
    shutil.copytree(built, out, symlinks=True)
    return out


def _need_root(what: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"{what} needs root (mount, capabilities); not root here")


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {res.stderr.strip()}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _run_with(prefix: list[str], *args: str, cwd: Path = ROOT, preexec=None) -> subprocess.CompletedProcess:
    """build.py in a subprocess, under a wrapper or with limits."""
    return subprocess.run(
        [*prefix, sys.executable, str(Path(cwd) / "build.py"), *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, preexec_fn=preexec,
    )


def _without_dac_override() -> list[str]:
    """A prefix that runs a command as root without the power to ignore file modes."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv (util-linux) is not installed")
    _need_root("a read-only folder for root")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--inh-caps=-all", "--"]


# ---------------------------------------------------------------- refused targets

def test_out_onto_a_users_folder_is_refused(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("my own work\n", encoding="utf-8")
    before = snapshot(tmp_path)
    res = run("build", "--out", str(folder))
    assert_one_error_line(res, str(folder), STAMP)
    assert snapshot(tmp_path) == before
    assert (folder / "thesis.tex").read_text(encoding="utf-8") == "my own work\n"


def test_out_onto_an_empty_folder_is_refused(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert_one_error_line(run("build", "--out", str(folder)), str(folder))
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_out_onto_a_file_is_refused(tmp_path):
    f = tmp_path / "report.pdf"
    f.write_bytes(b"%PDF-1.4 mine")
    before = snapshot(tmp_path)
    assert_one_error_line(run("build", "--out", str(f)), str(f), "not a folder")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["folder", "file", "dangling"])
def test_out_onto_a_symlink_to_something_else_is_refused(tmp_path, kind):
    target = tmp_path / "target"
    if kind == "folder":
        target.mkdir()
        (target / "keep.txt").write_text("keep\n", encoding="utf-8")
    elif kind == "file":
        target.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "dist"
    link.symlink_to(target)
    before = snapshot(tmp_path)
    assert_one_error_line(run("build", "--out", str(link)), str(link))
    assert snapshot(tmp_path) == before


def test_out_onto_a_symlink_to_a_previous_build_replaces_the_build_keeps_the_link(built, tmp_path):
    real = previous_build(built, tmp_path / "disk")
    (real / "packt-an.nt").write_text("stale\n", encoding="utf-8")  # so that the new build shows
    link = tmp_path / "dist"
    link.symlink_to(real)
    res = run("build", "--out", str(link))
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert snapshot(real) == snapshot(built)
    assert siblings(real.parent) == []


def test_out_dot_in_a_checkout_is_refused_and_nothing_is_lost(tmp_path):
    project = new_project(tmp_path / "checkout")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (project / "notes.md").write_text("my notes\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for out in (".", "./", "data", "src/..", ".."):
        res = run("build", "--out", out, cwd=project)
        assert_one_error_line(res, str(Path(out)))
        assert snapshot(tmp_path) == before, out
    assert (project / ".git" / "HEAD").is_file()


def test_out_inside_a_previous_build_is_refused(built, tmp_path):
    dist = previous_build(built, tmp_path)
    before = snapshot(tmp_path)
    assert_one_error_line(run("build", "--out", str(dist / "queries")), "queries")
    assert snapshot(tmp_path) == before


def test_a_parent_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "plain"
    f.write_text("a file\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert_one_error_line(run("build", "--out", str(f / "dist")), "parent", "file")
    assert_one_error_line(run("build", "--out", str(f / "a" / "b")), "parent", "file")
    assert snapshot(tmp_path) == before


def test_a_forged_stamp_is_not_a_stamp(tmp_path):
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / STAMP).write_text("not ours\n", encoding="utf-8")
    (folder / "data.csv").write_text("1,2\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert_one_error_line(run("build", "--out", str(folder)), STAMP)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("wait", ["-1", "nan"])
def test_a_bad_wait_is_refused(tmp_path, wait):
    res = run("build", "--out", str(tmp_path / "dist"), "--wait", wait)
    assert_one_error_line(res, "--wait")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- answers --out

def test_answers_out_refuses_a_users_folder_a_file_and_dot(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "answers.md").write_text("my own answers\n", encoding="utf-8")
    f = tmp_path / "file.txt"
    f.write_text("x\n", encoding="utf-8")
    project = new_project(tmp_path / "checkout")
    before = snapshot(tmp_path)
    assert_one_error_line(run("answers", "--out", str(folder)), str(folder))
    assert_one_error_line(run("answers", "--out", str(f)), str(f))
    assert_one_error_line(run("answers", "--out", ".", cwd=project), ".")
    assert snapshot(tmp_path) == before


def test_answers_out_replaces_only_its_files_in_a_previous_build(built, tmp_path):
    dist = previous_build(built, tmp_path)
    (dist / "answers.md").write_text("stale\n", encoding="utf-8")
    before = snapshot(dist)
    res = run("answers", "--out", str(dist))
    assert res.returncode == 0, res.stderr
    after = snapshot(dist)
    assert after["answers.md"] == snapshot(built)["answers.md"]
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"answers.md"}  # answers.html was already current


def test_answers_out_into_a_new_folder_makes_a_stamped_folder(tmp_path):
    out = tmp_path / "answers"
    res = run("answers", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == [STAMP, "answers.html", "answers.md"]


# ---------------------------------------------------------------- leftovers, lock, two builds

def test_leftovers_of_interrupted_builds_are_removed_and_nothing_else(built, tmp_path):
    dist = previous_build(built, tmp_path)
    stamped_new = tmp_path / ".dist-new-abc123"
    shutil.copytree(built, stamped_new)
    shutil.rmtree(stamped_new / "queries")  # half written
    stamped_old = tmp_path / ".dist-old-def456"
    stamped_old.mkdir()
    shutil.copy2(built / STAMP, stamped_old / STAMP)  # removal interrupted at the very end
    empty = tmp_path / ".dist-new-empty1"
    empty.mkdir()  # killed between mkdir and stamp
    users = tmp_path / ".dist-new-mine"
    users.mkdir()
    (users / "keep.txt").write_text("mine\n", encoding="utf-8")
    forged = tmp_path / ".dist-old-forged"
    forged.mkdir()
    (forged / STAMP).write_text("no\n", encoding="utf-8")
    other_name = tmp_path / ".site-new-xyz"
    shutil.copytree(built, other_name)  # a leftover of builds into another folder: not ours to touch
    (tmp_path / "dist" / "packt-an.nt").write_text("stale\n", encoding="utf-8")
    res = run("build", "--out", str(dist))
    assert res.returncode == 0, res.stderr
    assert siblings(tmp_path) == [".dist-new-mine", ".dist-old-forged"]
    assert (users / "keep.txt").read_text(encoding="utf-8") == "mine\n"
    assert (forged / STAMP).read_text(encoding="utf-8") == "no\n"
    assert snapshot(other_name) == snapshot(built)
    assert snapshot(dist) == snapshot(built)


def test_a_locked_folder_makes_a_build_that_will_not_wait_exit_2(built, tmp_path):
    dist = previous_build(built, tmp_path)
    before = snapshot(tmp_path)
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a build writing into it holds it
        res = run("build", "--out", str(dist), "--wait", "0")
        assert_one_error_line(res, str(dist), "another build")
        res = run("build", "--out", str(dist), "--wait", "0.5")  # waits, then gives up
        assert_one_error_line(res, str(dist), "after waiting 0.5 s")
    finally:
        os.close(fd)
    assert snapshot(tmp_path) == before


def test_two_builds_at_once_both_end_cleanly(built, tmp_path):
    out = tmp_path / "dist"
    cmd = [sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out_text, err) in zip(procs, results):
        assert "Traceback" not in err, err
        if proc.returncode != 0:  # only a refusal of the lock is allowed
            assert proc.returncode == 2 and len(err.strip().splitlines()) == 1 and "another build" in err, err
    assert any(p.returncode == 0 for p in procs)
    assert snapshot(out) == snapshot(built)
    assert siblings(tmp_path) == []


# ---------------------------------------------------------------- kill -9 at many points

def _manifest(folder: Path) -> dict[str, tuple]:
    return snapshot(folder)


def _fill(folder: Path) -> int:
    try:
        return sum(len(files) for _f, _d, files in os.walk(folder))
    except OSError:
        return -1


def _staging(parent: Path) -> Path | None:
    for p in parent.iterdir():
        if p.name.startswith(".dist-new-") and (p / STAMP).exists():
            return p
    return None


def _stamp_inode(dist: Path):
    try:
        return os.stat(dist / STAMP).st_ino
    except OSError:
        return None


def test_kill_9_at_many_points_leaves_the_old_or_the_new_build(tmp_path):
    """Builds killed with SIGKILL at 16 moments spread over a build — while
    loading, validating and rendering (by time), while the new build is
    written (by the number of files staged), just after the swap (while the
    old build is removed): `dist/` is always exactly the old or the new
    complete build, nothing else beside it is touched, and the next build
    removes every leftover."""
    project = new_project(tmp_path / "p")
    variant_file = sorted((project / "queries").glob("*.rq"))[0]
    text_a = variant_file.read_text(encoding="utf-8")
    text_b = text_a + "# variant B of this file: the two builds differ\n"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the user's page\n", encoding="utf-8")
    out = site / "dist"

    def build_variant(text: str, where: Path) -> tuple[dict, float]:
        variant_file.write_text(text, encoding="utf-8")
        t0 = time.monotonic()
        res = run("build", "--out", str(where), cwd=project)
        assert res.returncode == 0, res.stderr
        return _manifest(where), time.monotonic() - t0

    manifests = {}
    manifests["b"], _ = build_variant(text_b, tmp_path / "ref-b" / "dist")
    manifests["a"], duration = build_variant(text_a, out)
    assert manifests["a"] != manifests["b"]
    total = _fill(out)
    current = "a"

    triggers = [("time", f) for f in (0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9)]
    triggers += [("staged", n) for n in (1, 2, 6, 12, 20, total)]
    triggers += [("swapped", 0.0), ("swapped", 0.003), ("swapped", 0.01)]
    killed = 0
    outcomes: list[str] = []
    for kind, arg in triggers:
        new = "b" if current == "a" else "a"
        variant_file.write_text(text_b if new == "b" else text_a, encoding="utf-8")
        stamp_before = _stamp_inode(out)
        proc = subprocess.Popen(
            [sys.executable, str(project / "build.py"), "build", "--out", str(out)],
            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        start = time.monotonic()
        while proc.poll() is None:
            if kind == "time" and time.monotonic() - start >= arg * duration:
                break
            if kind == "staged":
                staging = _staging(site)
                if staging is not None and _fill(staging) >= arg:
                    break
            if kind == "swapped" and _stamp_inode(out) != stamp_before:
                time.sleep(arg)
                break
            time.sleep(0.001)
        was_killed = proc.poll() is None
        if was_killed:
            proc.kill()
            killed += 1
        proc.wait(timeout=60)
        state = _manifest(out)
        assert state in (manifests[current], manifests[new]), f"dist/ after kill at {kind} {arg} is neither build"
        current = "a" if state == manifests["a"] else "b"
        outcomes.append(f"{kind} {arg}: {'killed' if was_killed else 'finished'}, dist = {'new' if current == new else 'old'}, leftovers {len(siblings(site))}")
        assert (site / "index.html").read_text(encoding="utf-8") == "the user's page\n"
        for name in siblings(site):  # leftovers: stamped or empty, nothing else
            left = site / name
            assert (left / STAMP).is_file() or not any(left.iterdir()), name
    print("\n".join(outcomes))
    assert killed >= 10, f"only {killed} of {len(triggers)} builds were still running when killed"
    new = "b" if current == "a" else "a"
    manifests[new], _ = build_variant(text_b if new == "b" else text_a, out)
    assert siblings(site) == [], "the next build did not remove the leftovers"
    assert sorted(p.name for p in site.iterdir()) == ["dist", "index.html"]


# ---------------------------------------------------------------- read-only, disk full

def test_read_only_target_folder(built, tmp_path):
    prefix = _without_dac_override()
    dist = previous_build(built, tmp_path)
    os.chmod(dist, 0o555)
    try:
        before = snapshot(tmp_path)
        res = _run_with(prefix, "build", "--out", str(dist))
        assert_one_error_line(res, str(dist), "not writable")
        assert snapshot(tmp_path) == before
        os.chmod(dist, 0o755)
        os.chmod(dist / "queries", 0o555)  # a read-only folder inside the build
        before = snapshot(tmp_path)
        res = _run_with(prefix, "build", "--out", str(dist))
        assert_one_error_line(res, "queries", "not writable")
        assert snapshot(tmp_path) == before
    finally:
        os.chmod(dist, 0o755)
        os.chmod(dist / "queries", 0o755)


def test_parent_folder_without_write_permission(built, tmp_path):
    prefix = _without_dac_override()
    parent = tmp_path / "locked"
    dist = previous_build(built, parent)
    os.chmod(parent, 0o555)
    try:
        before = snapshot(tmp_path)
        assert_one_error_line(_run_with(prefix, "build", "--out", str(dist)), str(dist))
        assert_one_error_line(_run_with(prefix, "build", "--out", str(parent / "new")), "not writable")
        assert snapshot(tmp_path) == before
    finally:
        os.chmod(parent, 0o755)


def test_read_only_file_system(built, tmp_path):
    _need_root("a read-only mount")
    mnt = tmp_path / "ro"
    _mount_tmpfs(mnt, "256m")
    try:
        dist = previous_build(built, mnt)
        res = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"remounting read-only is not permitted here: {res.stderr.strip()}")
        before = snapshot(mnt)
        assert_one_error_line(run("build", "--out", str(dist)), str(dist), "read-only")
        assert_one_error_line(run("build", "--out", str(mnt / "other")), "read-only")
        assert_one_error_line(run("answers", "--out", str(dist)), "read-only")
        assert snapshot(mnt) == before
    finally:
        _umount(mnt)


def test_disk_full_leaves_the_old_build(built, tmp_path):
    _need_root("a tiny tmpfs")
    size = sum(p.stat().st_size for p in built.rglob("*") if p.is_file())
    mnt = tmp_path / "small"
    _mount_tmpfs(mnt, f"{(size * 3 // 2) // 1024}k")  # room for one build, not two
    try:
        dist = previous_build(built, mnt)
        (dist / "validation-report.en.txt").write_text("the old build\n", encoding="utf-8")
        (mnt / "user.txt").write_text("mine\n", encoding="utf-8")
        assert shutil.disk_usage(mnt).free < size
        before = snapshot(mnt)
        res = run("build", "--out", str(dist))
        assert_one_error_line(res, str(dist), "No space left on device")
        assert snapshot(mnt) == before
        assert siblings(mnt) == []  # the half-written new build is gone again
    finally:
        _umount(mnt)


def test_file_too_large_leaves_the_old_build(built, tmp_path):
    """RLIMIT_FSIZE: a write beyond 512 KiB fails with EFBIG (Python ignores SIGXFSZ)."""
    dist = previous_build(built, tmp_path)
    (dist / "packt-an.nt").write_text("the old build\n", encoding="utf-8")
    before = snapshot(tmp_path)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (512 * 1024, 512 * 1024))

    res = _run_with([], "build", "--out", str(dist), preexec=limit)
    assert_one_error_line(res, str(dist), "File too large")
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- without RENAME_EXCHANGE

def test_fallback_when_the_file_system_refuses_the_exchange(built, tmp_path, monkeypatch):
    """Where renameat2 answers EINVAL (a file system without RENAME_EXCHANGE),
    the documented fallback of two renames still replaces the build completely
    and removes the old one. The refusal is injected at the system call."""
    import errno

    from packtan import dist as dist_module

    calls = []

    def refusing_renameat2(src, dst, flags):
        calls.append(flags)
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr(dist_module, "_renameat2", refusing_renameat2)
    out = previous_build(built, tmp_path)
    files = {"a.txt": "new\n", "sub/b.txt": b"bytes\n"}
    dist_module.write_atomically(out, files)
    assert calls == [dist_module._RENAME_EXCHANGE]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [STAMP, "a.txt", "sub/b.txt"]
    assert siblings(tmp_path) == []
    dist_module.write_atomically(tmp_path / "fresh", files)  # a new folder: plain rename after EINVAL
    assert calls[-1] == dist_module._RENAME_NOREPLACE
    assert (tmp_path / "fresh" / "a.txt").read_text(encoding="utf-8") == "new\n"


# ---------------------------------------------------------------- modes

@pytest.mark.parametrize("umask", [0o022, 0o077, 0o277])
def test_modes_do_not_depend_on_the_umask(tmp_path, umask):
    """Files 0644 and folders 0755 (a folder holding only folders too), under any umask."""
    from packtan import dist as dist_module

    files = {"a.txt": "a\n", "site/id/org/x.html": "<p>x</p>\n", "site/id/org/y.ttl": b"y\n", "json/k.json": [b"{", b"}\n"]}
    old = os.umask(umask)
    try:
        dist_module.write_atomically(tmp_path / "out", files)
    finally:
        os.umask(old)
    out = tmp_path / "out"
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o7777 for p in out.rglob("*")}
    assert modes == {
        STAMP: 0o644, "a.txt": 0o644, "json": 0o755, "json/k.json": 0o644, "site": 0o755, "site/id": 0o755,
        "site/id/org": 0o755, "site/id/org/x.html": 0o644, "site/id/org/y.ttl": 0o644,
    }
    assert (out / "site/id/org/y.ttl").read_bytes() == b"y\n"
    assert (out / "json/k.json").read_bytes() == b"{}\n"  # a list of bytes: written piece after piece
    assert stat_mode(out) == 0o755


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777
