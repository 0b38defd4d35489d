"""``python tests/snapshot write|compare ...`` (or ``python -m tests.snapshot``): see __init__."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a folder: the checkout that holds these tests first
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.snapshot import __doc__ as usage  # noqa: E402
from tests.snapshot.compare import Moved, compare  # noqa: E402
from tests.snapshot.write import write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=usage.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    writing = commands.add_parser("write", help="snapshot the outputs of a checkout")
    writing.add_argument("out", type=Path)
    writing.add_argument("--root", type=Path, default=Path.cwd(),
                         help="the checkout whose code runs (default: the current directory)")
    writing.add_argument("--pabulib", type=Path,
                         help=".pb files to import (default: ../shared/pabulib beside the root)")
    writing.add_argument("--pdf-lang", action="append",
                         help="render PDF reports only in this language (repeatable; faster)")
    comparing = commands.add_parser("compare", help="diff two snapshots; exit 0 when identical")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    comparing.add_argument("--moved", type=Path, help="a JSON object: old URL prefix -> new")
    args = parser.parse_args()
    if args.command == "write":
        root = args.root.resolve()
        pabulib = args.pabulib or root.parent / "shared" / "pabulib"
        write(args.out.resolve(), root, pabulib if pabulib.is_dir() else None, args.pdf_lang)
    else:
        moved = Moved(json.loads(args.moved.read_text(encoding="utf-8"))) if args.moved else None
        sys.exit(compare(args.old, args.new, moved))


if __name__ == "__main__":
    main()
