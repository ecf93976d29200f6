"""The version and its release dates, and the release archive of dist/.

The version is the file VERSION (config.VERSION); CHANGELOG.md gives each
version's release date as a heading `## [X.Y.Z] – YYYY-MM-DD`. The catalogue
takes its dates from there, never from the clock, and `build.py release`
writes dist/ as `packt-an-<version>.tar.gz`: entries sorted, every mtime the
release date, owner and group 0, modes 0644/0755, gzip without a timestamp,
so that the same dist/ always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import tarfile
from pathlib import Path

from . import config
from .errors import UserError

CHANGELOG = config.ROOT / "CHANGELOG.md"
_HEADING = re.compile(r"^## \[(\d+\.\d+\.\d+)\] [–-] (\d{4}-\d{2}-\d{2})\s*$", re.M)


def release_dates(path: Path = CHANGELOG) -> dict[str, dt.date]:
    """Version -> release date, from the changelog's headings."""
    text = Path(path).read_text(encoding="utf-8")
    return {v: dt.date.fromisoformat(d) for v, d in _HEADING.findall(text)}


def issued_and_modified() -> tuple[dt.date, dt.date]:
    """The date of the first release and of the current version's release."""
    dates = release_dates()
    if config.VERSION not in dates:
        raise UserError(f"{CHANGELOG}: no entry '## [{config.VERSION}] – YYYY-MM-DD' for the version in VERSION")
    return min(dates.values()), dates[config.VERSION]


def archive_name() -> str:
    return f"packt-an-{config.VERSION}.tar.gz"


def archive(dist_dir: Path) -> bytes:
    """dist/ as a deterministic tar.gz whose entries sit under packt-an-<version>/."""
    dist_dir = Path(dist_dir)
    if not dist_dir.is_dir():
        raise UserError(f"{dist_dir}: no such folder (run build.py build first)")
    _issued, modified = issued_and_modified()
    mtime = int(dt.datetime(modified.year, modified.month, modified.day, tzinfo=dt.timezone.utc).timestamp())
    top = f"packt-an-{config.VERSION}"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        paths = sorted(dist_dir.rglob("*"), key=lambda p: p.relative_to(dist_dir).as_posix())
        for path in [dist_dir] + paths:
            rel = path.relative_to(dist_dir).as_posix()
            info = tarfile.TarInfo(top if rel == "." else f"{top}/{rel}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "", ""
            if path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                data = path.read_bytes()
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()
