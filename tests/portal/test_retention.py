"""Scans and the interconnect message log are deleted when their retention period ends; the
civil-status record never is."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from interconnect.models import MessageLog
from interconnect.services import log_message
from registrations.models import Attachment, Bundle
from tests.registrations.states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    return Cast()


def test_scans_of_bundles_closed_past_the_retention_period_are_deleted_and_the_record_stays(
    cast, settings, capsys, django_capture_on_commit_callbacks
):
    settings.RETENTION_DAYS = {"attachments": 30, "message_log": 30}
    completed = build("completed", cast)
    still_open = build("in_review", cast)
    scan = completed.attachments.get()
    storage, name = scan.file.storage, scan.file.name
    assert storage.exists(name)
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        call_command("purge_expired")
    assert Attachment.objects.get(pk=scan.pk).purged_at is None  # not yet
    with (
        time_machine.travel(timezone.now() + timedelta(days=31)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("purge_expired")
    assert "Đã xoá 1 bản chụp" in capsys.readouterr().out
    purged = Attachment.objects.get(pk=scan.pk)
    assert purged.purged_at is not None and not purged.file.name and not storage.exists(name)
    assert (purged.kind, purged.size, purged.sha256) == (scan.kind, scan.size, scan.sha256)
    assert still_open.attachments.get().purged_at is None  # open bundles keep their scans
    record = Bundle.objects.get(pk=completed.pk)
    assert record.state == "completed" and record.registration_number and record.people.count() == 4
    client = APIClient()
    client.force_authenticate(cast.citizen)
    response = client.get(f"/api/v1/bundles/{completed.public_id}/attachments/{scan.public_id}/")
    assert response.status_code == 410 and "hết thời hạn lưu trữ" in response.json()["detail"]


def test_the_message_log_is_kept_for_its_period_only(db, settings):
    settings.RETENTION_DAYS = {"attachments": 30, "message_log": 10}
    with time_machine.travel(timezone.now() - timedelta(days=11)):
        log_message(
            direction="out", kind="request", agency="police", step_id=None, correlation_id="a", body=b"{}"
        )
    log_message(
        direction="out", kind="request", agency="police", step_id=None, correlation_id="b", body=b"{}"
    )
    call_command("purge_expired")
    assert list(MessageLog.objects.values_list("correlation_id", flat=True)) == ["b"]
