"""Where the web workers' time goes: py-spy's raw stacks (one line per distinct stack, ending in a
sample count) summed by package and by function."""

from __future__ import annotations

import re
import sys
from collections import Counter

OURS = ("portal/", "registrations/", "signing/", "interconnect/")
_LOCATION = re.compile(r"\((.*?):\d+\)$")


def _package(frame: str) -> str:
    """py-spy names files from their import root: "django/db/models/query.py", "threading.py"."""
    match = _LOCATION.search(frame)
    path = match.group(1) if match else ""
    path = path.split("site-packages/")[-1]
    top = path.split("/")[0].removesuffix(".py").strip("<>").split(" ")[0]
    if top in sys.stdlib_module_names or top in ("frozen", "string", ""):
        return "python (standard library)"
    return top


def summarise(raw: str, *, top: int = 20) -> dict:
    inclusive, own, packages = Counter(), Counter(), Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [f for f in stack.split(";") if _LOCATION.search(f)]
        if not frames:
            continue
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
        packages[_package(frames[-1])] += samples
    if not total:
        return {"samples": 0}

    def share(counter: Counter, keep=lambda _: True) -> list[list]:
        rows = [(k, v) for k, v in counter.most_common() if keep(k)][:top]
        return [[name, round(100 * v / total, 1)] for name, v in rows]

    return {
        "samples": total,
        "own_time_by_package_pct": share(packages),
        "portal_functions_inclusive_pct": share(
            inclusive, lambda f: (_LOCATION.search(f).group(1)).startswith(OURS)
        ),
        "functions_own_time_pct": share(own),
    }


def markdown(summary: dict) -> str:
    if not summary.get("samples"):
        return summary.get("error", "no samples")
    parts = [f"{summary['samples']} samples of web workers holding the GIL (Python at work).", ""]
    for key, title in (
        ("own_time_by_package_pct", "Own time by package"),
        ("portal_functions_inclusive_pct", "The portal's functions, including what they call"),
        ("functions_own_time_pct", "Functions by own time"),
    ):
        parts += [f"### {title}", "", "| % | where |", "|---:|---|"]
        parts += [f"| {pct} | `{name}` |" for name, pct in summary[key]]
        parts.append("")
    return "\n".join(parts)
