from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.health.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu mới, trống (DATABASE_URL) và thư mục tệp riêng "
        "trống, rồi đối chiếu số dòng, mã băm tệp và chuỗi băm nhật ký kiểm toán."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="thư mục bản sao lưu")

    def handle(self, *args, **options):
        try:
            report = backup_restore(source=Path(options["source"]))
        except BackupError as error:
            raise CommandError(str(error)) from None
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"KHÁC: {problem}")
            raise CommandError(f"Khôi phục xong nhưng không khớp bản sao lưu: {len(report.problems)} chỗ.")
        self.stdout.write(
            f"Đã khôi phục và đối chiếu: {report.tables} bảng, {report.rows} dòng, {report.files} tệp, "
            f"{report.audit_events} sự kiện kiểm toán nguyên vẹn."
        )
