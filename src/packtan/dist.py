"""`build`: validate, render every output, write dist/ atomically.

Each output is one module with one render function from the validated
project to files (name -> content): the dumps (`dumps`), the validation
reports (`reports` below), the dataset description (`describe`), the
regenerated answer (`answers`), the query files. `OUTPUTS` composes them;
`build` writes their union into a staging folder and moves it into place
only when everything succeeded."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import math
import os
import platform
import shutil
import stat
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import answers, classmap, config, describe, dumps, jena_shapes, plainjson, site, tables
from .errors import UserError
from .load import Project, load_project, turtle_files
from .validate import Result, report_graph, report_text, validate_project



class NotConforming(Exception):
    """The facts violate the shapes or the integrity checks. Exit code 1."""

    exit_code = 1

    def __init__(self, result: Result, project: Project):
        super().__init__("the graph does not conform")
        self.result = result
        self.project = project


@dataclass
class BuildSummary:
    out_dir: Path
    files_in: int
    triples: int
    files_out: list[str]


# ---------------------------------------------------------------------------
# Writing a build folder without ever losing a file that build.py did not write
#
# * Every build folder carries the stamp file STAMP (fixed content). An
#   existing --out that is not a stamped folder (a user's folder, a file, a
#   symbolic link to either) is refused before anything is written.
# * Builds into the same folder are serialised: the writer holds an
#   fcntl.flock lock on the folder's parent directory (no lock file is left
#   behind) and waits at most `wait` seconds for it.
# * The new build is written into a stamped sibling `.NAME-new-XXXX` and swapped
#   with the old one in one renameat2(RENAME_EXCHANGE) call: at every moment
#   NAME is either the complete old or the complete new build. Where the file
#   system refuses the exchange (EINVAL, ENOSYS, EOPNOTSUPP: some network and
#   FUSE file systems, non-Linux systems), two plain renames are used instead,
#   with a short moment without NAME.
# * The old build, now in the sibling, is then removed, its stamp last, so a
#   build killed at any point leaves only stamped siblings (or an empty one),
#   which the next build into the same folder removes. Nothing without the
#   stamp is ever removed; an empty sibling is removed with rmdir, which
#   cannot remove anything.

STAMP = ".packt-an-build"
STAMP_TEXT = (
    "packt-an build folder\n"
    "This folder was written by `build.py build` of packt-an (https://w3id.org/packt-an/).\n"
    "The next build replaces it as a whole: keep no files of your own in it.\n"
)
_STAMP_MAGIC = STAMP_TEXT.split("\n", 1)[0] + "\n"
LOCK_WAIT = 60.0  # seconds a build waits for another build into the same folder
_TMP_MARK = ".packt-an-tmp-"  # temporary files of write_files, inside a build folder

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
# renameat2's system call number, for a libc without the wrapper (glibc < 2.28)
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "i386": 353, "i686": 353, "armv7l": 382, "ppc64le": 357, "s390x": 347}
_NOT_SUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def _renameat2(src: Path, dst: Path, flags: int) -> None:
    """Linux renameat2(2) through ctypes; OSError(ENOSYS) where it does not exist."""
    if not sys.platform.startswith("linux"):
        raise OSError(errno.ENOSYS, "renameat2 exists only on Linux")
    libc = ctypes.CDLL(None, use_errno=True)
    a, b = os.fsencode(src), os.fsencode(dst)
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int
        res = fn(_AT_FDCWD, a, _AT_FDCWD, b, flags)
    else:
        nr = _SYS_RENAMEAT2.get(platform.machine())
        if nr is None:
            raise OSError(errno.ENOSYS, "renameat2 is not available")
        libc.syscall.restype = ctypes.c_long
        res = libc.syscall(
            ctypes.c_long(nr), ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(a),
            ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(b), ctypes.c_uint(flags),
        )
    if res != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), os.fspath(src), None, os.fspath(dst))


def is_build(path: Path) -> bool:
    """A real folder (not a symbolic link) holding the build stamp."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        stamp = Path(path) / STAMP
        if not stat.S_ISREG(os.lstat(stamp).st_mode):
            return False
        with open(stamp, "rb") as fh:
            return fh.read(len(_STAMP_MAGIC)) == _STAMP_MAGIC.encode("ascii")
    except OSError:
        return False


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def resolve_target(out_dir: Path) -> Path:
    """The absolute folder to write, or UserError when it may not be replaced.

    Accepted: a path that does not exist yet, a previous build (stamped folder)
    and a symbolic link to a previous build (the build it points to is
    replaced, the link stays). Refused: anything else."""
    shown = os.fspath(out_dir)
    if not shown:
        raise UserError("--out: empty path")
    path = Path(os.path.abspath(shown))
    if path.parent == path:
        raise UserError(f"{shown}: is the root folder; refusing to replace it")
    target = Path(os.path.realpath(path.parent)) / path.name
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return target
    except NotADirectoryError:
        raise UserError(f"{shown}: a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot look at it: {_reason(exc)}") from None
    if stat.S_ISLNK(st.st_mode):
        real = Path(os.path.realpath(target))
        if is_build(real):
            return real
        raise UserError(
            f"{shown}: is a symbolic link to something that is not a previous build (no {STAMP}); refusing to replace it"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UserError(f"{shown}: exists and is not a folder; refusing to replace it (choose another --out)")
    if not is_build(target):
        raise UserError(
            f"{shown}: exists and is not a folder written by build.py (no {STAMP} in it); "
            "refusing to replace it (choose another --out, or remove it yourself)"
        )
    return target


@contextmanager
def _locked(parent: Path, shown: str, wait: float):
    """Hold the build lock of `parent` (fcntl.flock on the directory itself)."""
    try:
        fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise UserError(f"{shown}: cannot open its parent folder {parent}: {_reason(exc)}") from None
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise UserError(
                        f"{shown}: another build is writing into this folder "
                        f"(still busy after waiting {wait:g} s); try again when it has finished"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _make_parent(parent: Path, shown: str) -> None:
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise UserError(f"{shown}: a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot create its parent folder {parent}: {_reason(exc)}") from None


def _unlink_files(path: Path) -> None:
    """Unlink the files (not folders, not the stamp) under `path`, by several
    threads: freeing a file's blocks is most of an unlink's time, and runs in
    parallel (measured: a build's 9,000 files go about 40 % faster)."""
    chunks = []
    for folder, _dirs, names in os.walk(path):
        if folder == os.fspath(path):
            names = [n for n in names if n != STAMP]
        chunks += [(folder, names[i:i + 256]) for i in range(0, len(names), 256)]

    def unlink(chunk) -> None:
        folder, names = chunk
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for name in names:
                os.unlink(name, dir_fd=fd)
        finally:
            os.close(fd)

    if len(chunks) < 2:
        for chunk in chunks:
            unlink(chunk)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in pool.map(unlink, chunks):  # raises the first error, if any
            pass


def _remove_build(path: Path) -> None:
    """Remove a stamped folder, the stamp last: until the very end it is still
    recognisably ours. Refuses (ValueError) a folder without the stamp."""
    if not is_build(path):
        raise ValueError(f"{path} is not a build folder")
    _unlink_files(path)
    for entry in os.scandir(path):
        if entry.name == STAMP:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    os.unlink(path / STAMP)
    os.rmdir(path)


def _siblings(parent: Path, name: str) -> list[Path]:
    prefixes = (f".{name}-new-", f".{name}-old-")
    try:
        return sorted(parent / e.name for e in os.scandir(parent) if e.name.startswith(prefixes))
    except OSError:
        return []


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove what interrupted builds into `name` left beside it: stamped
    siblings, and empty ones (a build killed before it wrote its stamp)."""
    for path in _siblings(parent, name):
        try:
            if is_build(path):
                _remove_build(path)
            elif stat.S_ISDIR(os.lstat(path).st_mode) and not os.listdir(path):
                os.rmdir(path)
        except (OSError, ValueError):
            pass  # not ours, or not removable now: left as it is


def _check_replaceable(target: Path, shown: str) -> None:
    """The previous build can be swapped out and removed afterwards."""
    try:
        if os.stat(target).st_dev != os.stat(target.parent).st_dev:
            raise UserError(f"{shown}: is a mount point; cannot replace it (use a folder inside it)")
        for folder, dirs, _files in os.walk(target):
            if not os.access(folder, os.W_OK | os.X_OK):
                readonly = os.statvfs(folder).f_flag & os.ST_RDONLY
                what = "is on a read-only file system" if readonly else "is not writable"
                raise UserError(f"{shown}: the previous build {what} ({folder}); cannot replace it")
    except OSError as exc:
        raise UserError(f"{shown}: cannot look at the previous build: {_reason(exc)}") from None


def _check_writable_parent(parent: Path, shown: str) -> None:
    """The nearest existing folder above the target accepts new entries."""
    folder = parent
    while not os.path.lexists(folder) and folder.parent != folder:
        folder = folder.parent
    if not os.path.isdir(folder):
        raise UserError(f"{shown}: a parent of it is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        readonly = os.statvfs(folder).f_flag & os.ST_RDONLY
        what = "is on a read-only file system" if readonly else "is not writable"
        raise UserError(f"{shown}: its parent folder {folder} {what}; nothing written")


def precheck(out_dir: Path) -> Path:
    """Fail fast, before the work of a build, when `out_dir` cannot be written."""
    shown = os.fspath(out_dir)
    target = resolve_target(out_dir)
    if os.path.lexists(target):
        _check_replaceable(target, shown)
    _check_writable_parent(target.parent, shown)
    return target


def _check_wait(wait: float) -> None:
    if not (math.isfinite(wait) and wait >= 0):
        raise UserError(f"--wait {wait:g}: must be a number of seconds, 0 or more")


def _check_names(files: dict) -> None:
    for name in files:
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts or name == STAMP:
            raise ValueError(f"output file name {name!r} is not a plain relative path")


def _write_pieces(fd: int, content: str | bytes | list[bytes]) -> None:
    """Write `content` to the open file `fd` (a list of bytes: piece after piece, never joined)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    for piece in data if isinstance(data, list) else (data,):
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view):]


def _write_file(path: Path, content: str | bytes | list[bytes], fd: int | None = None) -> None:
    """Write a new file (or the open temporary file `fd`), mode 0o644, flushed to disk."""
    if fd is None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.fchmod(fd, 0o644)
        _write_pieces(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without changing it (Linux: /proc/self/status);
    elsewhere set and reset at once."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _create_file(path: str, content: str | bytes | list[bytes], chmod: bool) -> None:
    """A new file of `content` (a list of bytes: written piece after piece),
    mode 0o644: open, write, close, and fchmod only where the umask takes bits
    of 0o644 away (`chmod`). Not flushed: the caller syncs the file system once
    (`_sync_fs`)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        if chmod:
            os.fchmod(fd, 0o644)
        _write_pieces(fd, content)
    finally:
        os.close(fd)


def _write_tree(staging: Path, files: dict[str, str | bytes | list[bytes]]) -> list[Path]:
    """Every file of `files` in the new folder `staging`: each folder made once,
    parents first, then the files. Returns the folders made."""
    names = [(os.path.normpath(name), content) for name, content in files.items()]  # "a/./b" is "a/b"
    folders = {os.path.dirname(name) for name, _content in names} - {""}
    for folder in list(folders):
        while True:
            folder = os.path.dirname(folder)
            if not folder or folder in folders:
                break
            folders.add(folder)
    root = os.fspath(staging)
    for folder in sorted(folders):  # a parent sorts before its children
        os.mkdir(os.path.join(root, folder), 0o755)
    chmod = bool(_umask() & 0o644)
    for name, content in names:
        _create_file(os.path.join(root, name), content, chmod)
    return [staging / folder for folder in sorted(folders)]


def _libc():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs.argtypes = [ctypes.c_int]
        libc.syncfs.restype = ctypes.c_int
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def _sync_fs(folder: Path) -> None:
    """Flush every file written on `folder`'s file system to disk: one
    syncfs(2) instead of one fsync per file (a build writes thousands)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _LIBC is not None and _LIBC.syncfs(fd) == 0:
            return
        err = ctypes.get_errno() if _LIBC is not None else 0
        if err and err not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(err, os.strerror(err), os.fspath(folder))
        os.sync()
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _new_staging(parent: Path, name: str) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-new-", dir=parent))
    try:
        _write_file(staging / STAMP, STAMP_TEXT)  # first: from now on it is recognisably ours
    except BaseException:
        if os.path.lexists(staging / STAMP):
            os.unlink(staging / STAMP)
        os.rmdir(staging)  # both just created here
        raise
    return staging


def _swap(staging: Path, target: Path) -> Path | None:
    """Put `staging` in place of `target`; return where the old build is now
    (to be removed), or None when there was none."""
    if not os.path.lexists(target):
        try:
            _renameat2(staging, target, _RENAME_NOREPLACE)
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise UserError(f"{target}: appeared while the build was written; refusing to replace it") from None
            if exc.errno not in _NOT_SUPPORTED:
                raise
            os.rename(staging, target)
        _fsync_dir(target.parent)
        return None
    try:
        _renameat2(staging, target, _RENAME_EXCHANGE)
        _fsync_dir(target.parent)
        return staging  # now holds the old build
    except OSError as exc:
        if exc.errno not in _NOT_SUPPORTED:
            raise
    # Fallback without RENAME_EXCHANGE: two renames, a moment without target.
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    _fsync_dir(target.parent)
    return old


def _write_new(target: Path, files: dict[str, str | bytes], shown: str) -> None:
    """With the lock held: write a stamped build of `files` and swap it in."""
    parent = target.parent
    _remove_leftovers(parent, target.name)
    if os.path.lexists(target):
        _check_replaceable(target, shown)
    staging = None
    try:
        staging = _new_staging(parent, target.name)
        folders = _write_tree(staging, files)
        _sync_fs(staging)  # every file's data on disk before any folder entry is
        for folder in [*folders, staging]:  # 0o755 whatever the umask, folders without files too
            os.chmod(folder, 0o755)
            _fsync_dir(folder)
        old = _swap(staging, target)
    except BaseException as exc:
        if staging is not None:
            try:
                _remove_build(staging)
            except (OSError, ValueError):
                pass  # a stamped leftover: the next build removes it
        if isinstance(exc, OSError):
            raise UserError(f"{shown}: cannot write the build: {_reason(exc)}; the previous build is unchanged") from None
        raise
    if old is not None:
        try:
            _remove_build(old)
        except (OSError, ValueError) as exc:
            print(f"warning: could not remove the previous build {old}: {exc}; the next build removes it", file=sys.stderr)


def _prepare(out_dir: Path, files: dict, wait: float) -> tuple[str, Path]:
    """Checked names and wait, the folder as shown and as resolved, its parent made."""
    _check_names(files)
    _check_wait(wait)
    shown = os.fspath(out_dir)
    target = resolve_target(out_dir)
    _make_parent(target.parent, shown)
    return shown, target


def write_atomically(out_dir: Path, files: dict[str, str | bytes], wait: float = LOCK_WAIT) -> None:
    """Write `files` (name -> content) as the new, complete content of `out_dir`
    (a new folder or a previous build), swapped in atomically."""
    shown, target = _prepare(out_dir, files, wait)
    with _locked(target.parent, shown, wait):
        target = resolve_target(out_dir)  # again, now that no other build runs
        _write_new(target, files, shown)


def write_files(out_dir: Path, files: dict[str, str], wait: float = LOCK_WAIT) -> None:
    """Replace single files of a previous build `out_dir`, each atomically
    (written beside, then renamed); a missing `out_dir` becomes a new build
    folder holding just these files."""
    shown, target = _prepare(out_dir, files, wait)
    with _locked(target.parent, shown, wait):
        target = resolve_target(out_dir)
        if not os.path.lexists(target):
            _write_new(target, files, shown)
            return
        _check_replaceable(target, shown)
        written: list[tuple[Path, Path]] = []
        try:
            for stale in target.rglob(f".*{_TMP_MARK}*"):  # left by an interrupted run
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink()
            for name, content in files.items():
                dest = target / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                if dest.is_symlink() or dest.is_dir():
                    raise UserError(f"{shown}: {name} is not a regular file; refusing to replace it")
                fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}{_TMP_MARK}", dir=dest.parent)
                written.append((Path(tmp), dest))
                _write_file(Path(tmp), content, fd)
            for tmp, dest in written:
                os.replace(tmp, dest)
            _fsync_dir(target)
        except OSError as exc:
            raise UserError(f"{shown}: cannot write: {_reason(exc)}") from None
        finally:
            for tmp, _dest in written:
                if os.path.lexists(tmp):
                    os.unlink(tmp)


def write_bytes(out_dir: Path, name: str, content: bytes) -> Path:
    """Write one file atomically (a temporary file, then rename)."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        from .errors import UserError

        raise UserError(f"{out_dir}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out_dir / name)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_dir / name


def render_reports(project: Project, result: Result, files=None) -> dict[str, str]:
    where = project.defined_in
    return {
        "shapes.ttl": _concatenate(turtle_files(config.SHAPES_DIR)),
        "validation-report.ttl": dumps.to_turtle(report_graph(result)),
        "validation-report.en.txt": report_text(result, project, "en", where),
        "validation-report.de.txt": report_text(result, project, "de", where),
    }


def render_queries(project: Project, result: Result, files=None) -> dict[str, str]:
    return {f"queries/{p.name}": p.read_text(encoding="utf-8") for p in sorted(config.QUERIES_DIR.glob("*.rq"))}


def _concatenate(files: list[Path]) -> str:
    """The shapes as written, comments included: every file of shapes/ in turn."""
    parts = ["# The SHACL shapes of the packt-an graph: shapes/*.ttl, concatenated (derived file).\n"]
    for f in files:
        parts.append(f"\n# ---- shapes/{f.name}\n")
        parts.append(f.read_text(encoding="utf-8"))
    return "".join(parts)


# Every output of dist/, in one place, in order: render(project, result, files)
# -> {name: content}, where `files` holds what the outputs before it rendered
# (for outputs that describe other files: sizes, checksums, links).
OUTPUTS = (
    dumps.render,
    plainjson.render,
    tables.render,
    render_reports,
    jena_shapes.render,  # shapes.de.ttl, shapes.en.ttl: one sh:message per constraint, for Jena
    describe.render,
    answers.render,
    render_queries,
    classmap.render,
    site.render,
)


# Outputs that read nothing but the project (not `files`, and they change
# nothing in it): with two or more processors a build renders them in a forked
# second process while this one renders the site's pages. The files are the
# same either way; PACKTAN_JOBS=1 renders everything in one process.
# The dumps go ahead too (measured: the site's pages still take longer than
# the four together, and this process is left less to do after them).
AHEAD = (dumps.render, plainjson.render, jena_shapes.render, classmap.render)


def _jobs() -> int:
    if not hasattr(os, "fork"):
        return 1
    try:
        return max(1, int(os.environ.get("PACKTAN_JOBS", "") or (os.cpu_count() or 1)))
    except ValueError:
        return 1


class _Forked:
    """`fn()` run in a forked child; `result()` is its return value, or None when the
    child failed (the caller then renders in this process, where errors surface as usual)."""

    def __init__(self, fn):
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        self._fd, wfd = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: compute, send, leave without running the parent's exit code
            os.close(self._fd)
            code = 0
            try:
                _die_with(parent)
                import pickle

                data = pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(wfd, "wb") as fh:
                    fh.write(data)
            except BaseException:  # noqa: BLE001 - reported as a failed child
                code = 1
            os._exit(code)
        os.close(wfd)

    def result(self):
        import pickle

        try:
            with os.fdopen(self._fd, "rb") as fh:
                data = fh.read()
            self._fd = None
        finally:
            _pid, status = os.waitpid(self._pid, 0)
            self._pid = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
            return None
        return pickle.loads(data)

    def close(self) -> None:
        """Stop the child if its result was not taken (an error in this process)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _die_with(parent: int) -> None:
    """The child ends when the build does (killed or not): Linux's PR_SET_PDEATHSIG."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the build ended before the line above
        os._exit(1)


def render_dist(project: Project, result: Result, jobs: int | None = None) -> dict[str, str | bytes]:
    """Every file of dist/ from a validated project."""
    ahead: dict = {}
    pages = None
    child = _Forked(lambda: [r(project, result, {}) for r in AHEAD]) if (jobs or _jobs()) > 1 else None
    try:
        if child is not None:
            pages = site.render_pages(project)  # meanwhile: the site's pages that need no other file
            done = child.result()
            if done is not None:
                ahead = dict(zip(AHEAD, done))
    finally:
        if child is not None:
            child.close()
    files: dict[str, str | bytes] = {}
    for render in OUTPUTS:
        if render in ahead:
            part = ahead[render]
        elif render is site.render and pages is not None:
            part = site.render(project, result, files, pages=pages)
        else:
            part = render(project, result, files)
        clash = files.keys() & part.keys()
        if clash:
            raise ValueError(f"two outputs write {sorted(clash)}")
        files.update(part)
    return files


def build(out_dir: Path = config.DIST_DIR, wait: float = LOCK_WAIT) -> BuildSummary:
    _check_wait(wait)
    precheck(out_dir)  # refuse a folder it may not replace before the work
    project = load_project()
    result = validate_project(project)
    if not result.conforms:
        raise NotConforming(result, project)
    files = render_dist(project, result)
    write_atomically(out_dir, files, wait)
    return BuildSummary(Path(out_dir), len(project.files), len(project.union), sorted(files))
