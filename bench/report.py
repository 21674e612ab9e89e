"""Comparing two runs of `make bench`: the claims are relative, so the ratios must repeat."""

from __future__ import annotations


def repeatability(previous: dict, now: dict) -> dict:
    """The ratios of this run beside the last run's (shared machines are noisy, so the claims are
    relative): each median ratio, its change, and whether it stayed within 20 %."""
    compared = {}
    for case, figures in now.items():
        if not isinstance(figures, dict) or not isinstance(previous.get(case), dict):
            continue
        for name, value in figures.items():
            before = previous[case].get(name)
            if name.startswith("ratio") and isinstance(value, dict) and isinstance(before, dict):
                change = (value["median"] - before["median"]) / before["median"] if before["median"] else 0.0
                compared[f"{case}: {name}"] = {
                    "previous": before["median"],
                    "now": value["median"],
                    "change_pct": round(100 * change, 1),
                    "within_20_pct": abs(change) <= 0.20,
                }
    return compared


def repeatability_markdown(compared: dict) -> str:
    rows = ["| ratio (median) | previous run | this run | change | within 20 % |", "|---|---:|---:|---:|---|"]
    for name, c in compared.items():
        within = "yes" if c["within_20_pct"] else "no"
        rows.append(f"| {name} | {c['previous']} | {c['now']} | {c['change_pct']} % | {within} |")
    return "\n".join(rows)
