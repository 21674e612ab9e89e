from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MockAgenciesConfig(AppConfig):
    name = "interconnect.mock_agencies"
    label = "mock_agencies"
    verbose_name = _("Cơ quan giả lập (trình diễn)")
