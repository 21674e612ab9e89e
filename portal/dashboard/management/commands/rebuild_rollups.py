import time

from django.core.management.base import BaseCommand

from portal.dashboard.services import rollups_rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu ngày theo xã từ bảng hồ sơ và bước liên thông."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rollups_rebuild(batch_size=options["batch"])
        self.stdout.write(f"Đã tính lại {rows} dòng số liệu trong {time.perf_counter() - started:.1f} giây.")
