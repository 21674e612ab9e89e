from celery import shared_task
from django.utils import timezone

from .models import Heartbeat

BEAT = "beat"


@shared_task(name="portal.health.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    Heartbeat.objects.update_or_create(name=BEAT, defaults={"beat_at": timezone.now()})
