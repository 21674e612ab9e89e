from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.audit.models import AuditEvent, AuditSeal
from portal.audit.services import audit_record, audit_seal_day, audit_verify
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture(autouse=True)
def tamperer(db):
    """These tests play someone with the database owner's rights rewriting history: on PostgreSQL
    they switch off the append-only trigger first (inside the test's transaction, so only for it)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")


def make_trail():
    for n in range(3):
        audit_record(
            stream="bundle:1",
            action="bundle.transition",
            object_type="bundle",
            object_id=1,
            data={"from": "draft", "to": "submitted", "n": n},
        )
    for n in range(2):
        audit_record(
            stream="bundle:2",
            action="bundle.transition",
            object_type="bundle",
            object_id=2,
            data={"n": n, "reason": "Thiếu giấy chứng sinh"},
        )


def test_an_untouched_trail_verifies(db):
    make_trail()
    assert audit_verify() == []
    call_command("audit_verify")


def test_chains_are_per_stream(db):
    make_trail()
    first, second = AuditEvent.objects.filter(stream="bundle:2").order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.prev_hash == "0" * 64


def test_editing_an_event_is_detected(db):
    make_trail()
    AuditEvent.objects.filter(stream="bundle:1", seq=2).update(
        data={"from": "draft", "to": "registered", "n": 1}
    )
    broken = audit_verify()
    assert [b.where for b in broken] == ["bundle:1#2"]
    with pytest.raises(CommandError, match="bundle:1#2"):
        call_command("audit_verify")


def test_rehashing_an_edited_event_breaks_the_next_link(db):
    make_trail()
    event = AuditEvent.objects.get(stream="bundle:1", seq=2)
    from portal.audit.services import _hash_of

    event.actor_label = "kẻ giả mạo"
    event.hash = _hash_of(event)
    event.save()
    assert [b.where for b in audit_verify()] == ["bundle:1#3"]


def test_deleting_an_event_in_the_middle_or_at_the_end_is_detected(db):
    make_trail()
    AuditEvent.objects.filter(stream="bundle:1", seq=2).delete()
    AuditEvent.objects.filter(stream="bundle:2", seq=2).delete()
    where = {b.where for b in audit_verify()}
    assert where == {"bundle:1#3", "bundle:2"}


def test_a_daily_seal_detects_a_consistently_rewritten_stream(db):
    make_trail()
    yesterday = timezone.localdate() - timedelta(days=1)
    AuditEvent.objects.update(occurred_at=timezone.now() - timedelta(days=1))
    # Re-chain the whole stream after moving the events, as a careful forger would.
    from portal.audit.models import AuditStream
    from portal.audit.services import _hash_of

    def rechain():
        for stream in ("bundle:1", "bundle:2"):
            prev = "0" * 64
            for event in AuditEvent.objects.filter(stream=stream).order_by("seq"):
                event.prev_hash = prev
                event.hash = _hash_of(event)
                event.save()
                prev = event.hash
            AuditStream.objects.filter(key=stream).update(last_hash=prev)

    rechain()
    seal = audit_seal_day(day=yesterday)
    assert seal.events_count == 5
    assert audit_seal_day(day=yesterday) == seal  # idempotent
    assert audit_verify() == []

    AuditEvent.objects.filter(stream="bundle:1", seq=1).update(data={"forged": True})
    rechain()
    broken = audit_verify()
    assert [b.where for b in broken] == [f"niêm phong {yesterday}"]


def test_today_cannot_be_sealed(db):
    with pytest.raises(ValueError):
        audit_seal_day(day=timezone.localdate())
    assert not AuditSeal.objects.exists()


def test_account_creation_and_changes_are_audited_with_the_acting_admin(client):
    admin = UserFactory(admin=True)
    clerk = UserFactory(clerk=True)
    assert AuditEvent.objects.filter(stream=f"user:{clerk.pk}", action="account.created").exists()
    client.force_login(admin)
    response = client.post(
        f"/quan-tri/accounts/user/{clerk.pk}/change/",
        {
            "username": clerk.username,
            "full_name": clerk.full_name,
            "email": clerk.email,
            "role": "ward_clerk",
            "ward": clerk.ward_id,
            "title": "",
            "phone": "",
            "sex": "",
            "date_of_birth": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = AuditEvent.objects.get(stream=f"user:{clerk.pk}", action="account.changed")
    assert changed.data == {"is_active": [True, False]}
    assert changed.actor_id == admin.pk
    assert changed.request_id


@pytest.mark.services
def test_postgresql_refuses_to_change_or_delete_an_audit_event(db):
    from django.db import DatabaseError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    make_trail()
    for tamper in (
        lambda: AuditEvent.objects.filter(stream="bundle:1", seq=1).update(data={"forged": True}),
        lambda: AuditEvent.objects.filter(stream="bundle:1").delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            tamper()
    assert AuditEvent.objects.count() == 5 and audit_verify() == []
