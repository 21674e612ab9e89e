from django.apps import AppConfig


class InterconnectConfig(AppConfig):
    name = "interconnect"
    verbose_name = "Liên thông cơ quan"
