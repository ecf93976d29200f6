#!/usr/bin/env python3
"""Build, validate, query and publish the knowledge graph of Drucksache 17/7349.

A thin command line over the `packtan` package in src/; run
`python build.py --help` for the commands. Exit codes: 0 success,
1 the graph does not conform to its shapes, 2 usage or input error.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from packtan.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
