from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.health.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp riêng (hồ sơ đính kèm, trích lục) vào một thư mục mới."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="thư mục đích (mặc định var/backups/<thời điểm>)")

    def handle(self, *args, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(options["to"] or Path(settings.VAR_DIR) / "backups" / stamp)
        try:
            manifest = backup_create(target=target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Đã sao lưu vào {target}: {len(manifest['rows'])} bảng, {rows} dòng, "
            f"{len(manifest['media']['files'])} tệp."
        )
