from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "portal.workcalendar"
    label = "workcalendar"
    verbose_name = _("Lịch ngày làm việc")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarOverride
        from .services import overrides_cache_clear

        post_save.connect(overrides_cache_clear, sender=CalendarOverride, dispatch_uid="calendar-save")
        post_delete.connect(overrides_cache_clear, sender=CalendarOverride, dispatch_uid="calendar-del")
