"""The Celery application. Its configuration lives in Django settings under the ``CELERY_`` prefix:
late acknowledgement, rejection on worker loss, prefetch 1 and time limits, so a crashed worker never
swallows a task. Retries are scheduled in the database (``next_attempt_at``), never with countdowns."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
