"""Two runs of `make bench` compared ratio by ratio (importing the harness itself would point this
process's environment at the bench database)."""

from bench.report import repeatability, repeatability_markdown


def test_two_runs_are_compared_ratio_by_ratio():
    previous = {"submit": {"ratio_to_database": {"median": 0.15}, "submissions_per_s": {"median": 100}}}
    now = {"submit": {"ratio_to_database": {"median": 0.1}, "submissions_per_s": {"median": 50}}}
    compared = repeatability(previous, now)
    assert compared == {
        "submit: ratio_to_database": {
            "previous": 0.15,
            "now": 0.1,
            "change_pct": -33.3,
            "within_20_pct": False,
        }
    }
    assert "| submit: ratio_to_database | 0.15 | 0.1 | -33.3 % | no |" in repeatability_markdown(compared)
