from celery import shared_task

from .services import supplements_process_due


@shared_task(name="registrations.tasks.process_supplement_deadlines")
def process_supplement_deadlines() -> dict:
    return supplements_process_due()
