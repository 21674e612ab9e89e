from celery import shared_task

from .retention import purge_expired as run_purge


@shared_task(name="portal.web.tasks.purge_expired", ignore_result=True)
def purge_expired() -> None:
    run_purge()
