from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "portal.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch ngày làm việc"
