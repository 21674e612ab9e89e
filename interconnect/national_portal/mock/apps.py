from django.apps import AppConfig


class MockNationalPortalConfig(AppConfig):
    name = "interconnect.national_portal.mock"
    label = "mock_national_portal"
    verbose_name = "Cổng Dịch vụ công quốc gia (giả lập)"
