from django.core.management.base import BaseCommand

from portal.divisions.models import Province, Ward
from portal.divisions.services import divisions_load


class Command(BaseCommand):
    help = "Nạp 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu (chạy lại không thay đổi gì)."

    def handle(self, *args, **options):
        report = divisions_load()
        self.stdout.write(
            f"Tỉnh: {report.provinces_created} thêm, {report.provinces_updated} cập nhật; "
            f"xã/phường: {report.wards_created} thêm, {report.wards_updated} cập nhật. "
            f"Tổng: {Province.objects.count()} tỉnh, {Ward.objects.count()} xã/phường."
        )
