from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .services import audit_seal_day


@shared_task(name="portal.audit.tasks.seal_previous_day")
def seal_previous_day() -> None:
    audit_seal_day(day=timezone.localdate() - timedelta(days=1))
