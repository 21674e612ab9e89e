from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "portal.divisions"
    label = "divisions"
    verbose_name = "Đơn vị hành chính"
