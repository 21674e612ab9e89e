from django.apps import AppConfig


class MockAgenciesConfig(AppConfig):
    name = "interconnect.mock_agencies"
    label = "mock_agencies"
    verbose_name = "Cơ quan giả lập (trình diễn)"
