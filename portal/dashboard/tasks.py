from celery import shared_task

from .services import provinces_refresh


@shared_task(name="portal.dashboard.tasks.refresh_provinces", ignore_result=True)
def refresh_provinces() -> None:
    """Fold the ward roll-ups changed since the last run into the province totals."""
    provinces_refresh()
