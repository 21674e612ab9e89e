from celery import shared_task
from django.utils import timezone

from portal.common.tally import tally

from .models import Heartbeat

BEAT = "beat"


@shared_task(name="portal.health.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})


@shared_task(name="portal.health.tasks.count", ignore_result=True)
def count(key: str) -> None:
    """Does nothing but count itself: the broker-and-worker ceiling `make bench` compares the
    interconnect pipeline against."""
    tally(key)
