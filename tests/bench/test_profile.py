"""The bench's profile summary: py-spy's raw stacks summed by package and by function."""

from bench.profile import markdown, summarise

RAW = "\n".join(
    [
        "process 1;handle (gunicorn/workers/gthread.py:514);submit (registrations/api.py:289);"
        "execute (django/db/backends/utils.py:94) 6",
        "process 1;handle (gunicorn/workers/gthread.py:514);submit (registrations/api.py:289) 2",
        "process 1;handle (gunicorn/workers/gthread.py:514);dumps (json/encoder.py:200) 2",
        "",
    ]
)


def test_samples_are_summed_by_package_and_by_function():
    summary = summarise(RAW)
    assert summary["samples"] == 10
    assert dict(summary["own_time_by_package_pct"]) == {
        "django": 60.0,
        "registrations": 20.0,
        "python (standard library)": 20.0,
    }
    assert dict(summary["portal_functions_inclusive_pct"]) == {"submit (registrations/api.py:289)": 80.0}
    assert summary["functions_own_time_pct"][0] == ["execute (django/db/backends/utils.py:94)", 60.0]
    assert "| 80.0 | `submit (registrations/api.py:289)` |" in markdown(summary)


def test_no_samples_say_so():
    assert summarise("") == {"samples": 0}
