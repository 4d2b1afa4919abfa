#!/usr/bin/env python3
"""Fail CI when two of the project's apps import each other (issue 17 part 1).

Each app is a layer: a foundation app (lib, accounts, accesslog) must not import
the apps built on it, or every change to one drags the other along. The check
reads every module of every app as text (ast), imports included inside
functions, and lists each app-to-app edge with the file that makes it; any pair
of apps reachable from each other (a cycle of any length) fails the run.
Migrations are left out: they are frozen history and Django orders them by
their own dependencies.

Usage: python .ci/app_cycles.py [--edges]   (exit 1 on a cycle)
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Cycles tolerated for now: none. The check was written (issue 17) with the 21 pairs the
# tree then had, and each commit that broke one removed it; a listed pair that is gone
# fails the run too, so the list can only shrink.
KNOWN: set[tuple[str, str]] = set()

APPS = ["lib", "accounts", "accesslog", "training", "audits", "alpr", "hotlists", "sharing", "ingest"]


def app_of(module: str) -> str | None:
    top = module.split(".", 1)[0]
    return top if top in APPS else None


def edges() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in base.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    target = app_of(name)
                    if target and target != app:
                        found[(app, target)].add(str(path.relative_to(ROOT)))
    return found


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of apps that reach each other (both directions, any path length)."""

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reachable = {app: reach(app) for app in APPS}
    return sorted(
        (a, b) for a in APPS for b in APPS if a < b and b in reachable[a] and a in reachable[b]
    )


def main() -> int:
    found = edges()
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in found:
        graph[a].add(b)
    if "--edges" in sys.argv:
        for (a, b), files in sorted(found.items()):
            print(f"{a} -> {b}: {', '.join(sorted(files))}")
    direct = sorted((a, b) for (a, b) in found if a < b and (b, a) in found)
    tangled = cycles(graph)
    print(f"app import cycles: {len(direct)} pairs import each other directly; "
          f"{len(tangled)} pairs reach each other")
    for a, b in direct:
        print(f"  {a} <-> {b}: {', '.join(sorted(found[(a, b)]))} | {', '.join(sorted(found[(b, a)]))}")
    for a, b in tangled:
        if (a, b) not in direct:
            print(f"  {a} <-> {b} (through other apps)")
    new = [pair for pair in tangled if pair not in KNOWN]
    gone = sorted(KNOWN - set(tangled))
    for a, b in new:
        print(f"NEW cycle between {a} and {b}: an app lower in the layers imports one above it")
    for a, b in gone:
        print(f"cycle {a} <-> {b} is gone: delete it from KNOWN in .ci/app_cycles.py")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
