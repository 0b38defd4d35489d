"""``compare``: the differences between two snapshots, with URLs that moved mapped first."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from urllib.parse import quote

from tests.snapshot import page_file


class Moved:
    """Old URL prefixes rewritten to new ones: in paths, links and ``next=`` parameters."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = dict(sorted(mapping.items(), key=lambda item: -len(item[0])))
        self.forms = {**self.mapping, **{quote(old, safe=""): quote(new, safe="")
                                         for old, new in self.mapping.items()}}
        alternatives = "|".join(map(re.escape, sorted(self.forms, key=len, reverse=True)))
        self.pattern = re.compile(rf"(?<![\w/.%-])({alternatives})") if mapping else None

    def url(self, url: str) -> str:
        old = next((old for old in self.mapping if url.startswith(old)), None)
        return self.mapping[old] + url[len(old):] if old else url

    def text(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.forms[m[1]], text) if self.pattern else text


def read_tree(folder: Path, moved: Moved | None) -> dict[str, str]:
    """Every file of a snapshot by its relative name; pages renamed and rewritten by ``moved``."""
    tree = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if moved and relative.startswith("pages/"):
            text = moved.text(text)
            if relative.endswith(".page"):
                url = text.split("\n", 1)[0][4:]
                relative = f"pages/{relative.split('/')[1]}/{page_file(url)}"
        tree[relative] = text
    return tree


def excerpt(old: str, new: str, name: str, lines: int = 24) -> str:
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), f"old/{name}",
                                     f"new/{name}", n=1, lineterm=""))
    more = f"\n    ... {len(diff) - lines} more lines of diff" if len(diff) > lines else ""
    return "\n".join("    " + line[:200] for line in diff[:lines]) + more


def moved_away(url: str, status: str, location: str, moved: Moved | None) -> bool:
    """Whether a page of the new tree is at a moved old URL and redirects to the new place."""
    return bool(moved) and moved.url(url) != url and status in ("301", "302", "303", "307", "308") \
        and location.split("?")[0] == moved.url(url).split("?")[0]


def page_moved_away(text: str, moved: Moved | None) -> bool:
    lines = text.split("\n")
    location = next((line[10:] for line in lines if line.startswith("Location: ")), "")
    return lines[0].startswith("GET ") and moved_away(lines[0][4:], lines[1], location, moved)


def index_lines(text: str, moved: Moved | None) -> str:
    """An index of pages sorted (after ``--moved``), without the lines of old URLs that
    redirect to their new place."""
    lines = [line for line in text.splitlines(keepends=True)
             if not moved_away(*(line.split() + ["", "", ""])[1:4], moved)]
    return "".join(sorted(lines))


def url_map_changes(old_map: str, new_map: str, moved: Moved | None) -> list[str]:
    """Routes (rule and methods) only in one map, and endpoints that changed their name."""
    def routes(text: str, moved: Moved | None = None) -> dict[tuple[str, str], str]:
        rows = [line.split("\t") for line in text.splitlines()]
        return {(moved.url(rule) if moved else rule, methods): endpoint
                for rule, methods, endpoint in rows}

    old, new = routes(old_map, moved), routes(new_map)
    return ([f"  - {r} {m} {old[r, m]}" for r, m in sorted(set(old) - set(new))]
            + [f"  + {r} {m} {new[r, m]}" for r, m in sorted(set(new) - set(old))]
            + [f"  ~ {r} {m} {old[r, m]} -> {new[r, m]}"
               for r, m in sorted(set(old) & set(new)) if old[r, m] != new[r, m]])


def compare(old_dir: Path, new_dir: Path, moved: Moved | None, shown: int = 30) -> int:
    old, new = read_tree(old_dir, moved), read_tree(new_dir, None)
    for tree, redirects_to_drop in ((old, None), (new, moved)):
        for name in [name for name in tree if name.endswith(".index.txt")]:
            tree[name] = index_lines(tree[name], redirects_to_drop)
    map_changes = url_map_changes(old.pop("urlmap.txt", ""), new.pop("urlmap.txt", ""), moved)
    only_old, only_new = sorted(set(old) - set(new)), sorted(set(new) - set(old))
    redirects = [n for n in only_new if page_moved_away(new[n], moved)]
    only_new = [n for n in only_new if n not in redirects]
    differing = sorted(n for n in set(old) & set(new) if old[n] != new[n])
    print(f"{len(old)} files old, {len(new)} new: {len(only_old)} only in old, {len(only_new)} "
          f"only in new, {len(differing)} differ, {len(redirects)} moved URLs redirect, "
          f"{len(map_changes)} URL map changes")
    for title, names in (("Only in OLD", only_old), ("Only in NEW", only_new),
                         ("Old URLs that redirect to their new place: expected", redirects)):
        if names:
            print(f"\n== {title} ({len(names)})\n" + "".join(f"  {n}\n" for n in names[:shown])
                  + (f"  ... and {len(names) - shown} more\n" if len(names) > shown else ""))
    if differing:
        print(f"\n== Differ ({len(differing)})")
        for name in differing[:shown]:
            print(f"  {name}\n{excerpt(old[name], new[name], name)}")
        print("".join(f"  also {name}\n" for name in differing[shown:]), end="")
    if map_changes:
        print(f"\n== URL map changes ({len(map_changes)}: - only old, + only new, ~ endpoint "
              "renamed); not counted in the exit code, judge them\n" + "\n".join(map_changes))
    identical = not (only_old or only_new or differing)
    print("\nIdentical." if identical else "\nNOT identical.")
    return 0 if identical else 1
