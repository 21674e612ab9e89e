from celery import shared_task

from .archive import extracts_renew_due


@shared_task(name="signing.tasks.renew_archive_timestamps", ignore_result=True)
def renew_archive_timestamps() -> None:
    extracts_renew_due()
