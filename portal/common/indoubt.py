"""A database error raised while the transaction was committing leaves its outcome unknown: the server
may have committed before the connection broke. Such a request is not "not done"; it is "in doubt"."""

from __future__ import annotations

import traceback


def failed_while_committing(error: BaseException | None) -> bool:
    """Whether ``error`` (or an error it was raised from) broke off a COMMIT, read from its traceback:
    Django's connection was in ``commit`` when the database stopped answering."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.name in ("commit", "_commit") and "django/db/backends/" in frame.filename.replace(
                "\\", "/"
            ):
                return True
        error = error.__cause__ or error.__context__
    return False
