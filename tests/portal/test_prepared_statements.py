"""The hot statements are prepared once per PostgreSQL session and then only executed: the answers are
the plain statement's, a failed first attempt leaves nothing that breaks the next, a new session
prepares again, and the switch (or another database) sends the statement as it is."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from portal.accounts.models import User
from portal.audit.models import AuditStream
from portal.common.sql import execute
from tests.factories import UserFactory

USERS = connection.ops.quote_name(User._meta.db_table)
BY_NAME = f"SELECT username, full_name FROM {USERS} WHERE username LIKE %s || '%%' ORDER BY username"  # noqa: S608
STREAMS = connection.ops.quote_name(AuditStream._meta.db_table)
INSERT = f"INSERT INTO {STREAMS} (key, last_seq, last_hash) VALUES (%s, %s, '')"  # noqa: S608


def run(sql, params):
    with CaptureQueriesContext(connection) as sent, connection.cursor() as cursor:
        execute(cursor, sql, params)
        rows = cursor.fetchall() if cursor.description else None
    return rows, [q["sql"] for q in sent.captured_queries]


@pytest.mark.services
@pytest.mark.django_db
def test_a_statement_is_prepared_once_then_executed_with_the_same_answers():
    UserFactory(username="lan-1", full_name="Nguyễn Thị Lan")
    UserFactory(username="lan-2", full_name="Trần Thị Lan")
    UserFactory(username="minh", full_name="Lê Minh")
    first, sent_first = run(BY_NAME, ["lan"])
    second, sent_second = run(BY_NAME, ["lan"])
    assert first == second == [("lan-1", "Nguyễn Thị Lan"), ("lan-2", "Trần Thị Lan")]
    assert sent_first[0].startswith("PREPARE portal_") and "LIKE $1 || '%'" in sent_first[0]
    assert sent_second == [sent_first[0].split("; ")[1]]  # EXECUTE portal_n('lan')
    assert run(BY_NAME, ["minh"])[0] == [("minh", "Lê Minh")]


@pytest.mark.services
@pytest.mark.django_db
def test_a_failed_first_attempt_does_not_break_the_next():
    AuditStream.objects.create(key="taken", last_seq=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        run(INSERT, ["taken", 2])  # the PREPARE stays although its EXECUTE failed
    _, sent = run(INSERT, ["free", 7])
    assert sent[0].startswith("PREPARE")  # under a new name, not "already exists"
    assert AuditStream.objects.get(key="free").last_seq == 7
    _, sent = run(INSERT, ["free-2", 8])
    assert sent[0].startswith("EXECUTE")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_again():
    UserFactory(username="lan-1", full_name="Nguyễn Thị Lan")
    run(BY_NAME, ["lan"])
    connection.close()
    rows, sent = run(BY_NAME, ["lan"])
    assert rows == [("lan-1", "Nguyễn Thị Lan")]
    assert sent[0].startswith("PREPARE")


@pytest.mark.django_db
def test_switched_off_or_elsewhere_the_statement_is_sent_as_it_is():
    UserFactory(username="lan-1", full_name="Nguyễn Thị Lan")
    with override_settings(PREPARED_STATEMENTS=False):
        rows, sent = run(BY_NAME, ["lan"])
        assert rows == [("lan-1", "Nguyễn Thị Lan")]
        assert sent[0].startswith("SELECT") and "lan" in sent[0]
    if connection.vendor != "postgresql":
        rows, sent = run(BY_NAME, ["lan"])
        assert rows == [("lan-1", "Nguyễn Thị Lan")] and sent[0].startswith("SELECT")
