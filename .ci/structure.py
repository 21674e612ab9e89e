"""The structure checks of `make lint` beside import-linter's floors: no module grows past 400 lines,
and no modules import each other in a loop. Prints what breaks a rule and exits 1."""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "registrations", "signing", "interconnect")
SIZED = (*PACKAGES, "bench")
MAX_LINES = 400
# Migrations are generated and settings are one flat list each: neither is read as a module of code.
EXEMPT = ("/migrations/", "/settings/")


def oversized() -> list[str]:
    found = []
    for package in SIZED:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = "/" + path.relative_to(ROOT).as_posix()
            if any(part in relative for part in EXEMPT):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                found.append(f"{relative[1:]}: {lines} lines (at most {MAX_LINES})")
    return found


def cycles() -> list[str]:
    """Each loop of direct imports between modules, once, shortest first."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    found: dict[frozenset, list[str]] = {}
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain and module not in (imported,):
                loop = [module, *chain]
                found.setdefault(frozenset(loop), loop)
    return [" -> ".join(loop) for loop in sorted(found.values(), key=len)]


def main() -> int:
    problems = [*oversized(), *(f"import cycle: {c}" for c in cycles())]
    for problem in problems:
        print(problem)
    if not problems:
        print(f"Structure: no module over {MAX_LINES} lines, no import cycles.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
