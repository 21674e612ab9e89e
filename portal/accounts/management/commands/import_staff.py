from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.accounts.services import STAFF_CSV_COLUMNS, staff_import


class Command(BaseCommand):
    help = (
        "Tạo hàng loạt tài khoản công chức và lãnh đạo cấp xã từ tệp CSV (UTF-8) với các cột: "
        + ", ".join(STAFF_CSV_COLUMNS)
        + ". Không nhập dòng nào nếu có một dòng sai. Mỗi tài khoản nhận thư đặt mật khẩu dùng một lần."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không tạo tài khoản.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from exc
        report = staff_import(csv_text=text, dry_run=dry_run)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"Không nhập tài khoản nào: {len(report.errors)} dòng có lỗi.")
        verb = "Hợp lệ, sẽ tạo" if dry_run else "Đã tạo"
        self.stdout.write(f"{verb} {len(report.created)} tài khoản: {', '.join(report.created)}")
