from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.demo import DEMO_WARDS, demo_seed
from portal.divisions.models import Ward
from registrations.demo import demo_bundles_seed


class Command(BaseCommand):
    help = "Tạo các tài khoản trình diễn (chỉ khi DEBUG bật)."

    def handle(self, *args, **options):
        if not settings.DEBUG or not getattr(settings, "DEMO_MODE", False):
            raise CommandError("seed_demo chỉ chạy trong môi trường trình diễn (DEBUG bật); từ chối chạy.")
        if Ward.objects.filter(code__in=DEMO_WARDS).count() != len(DEMO_WARDS):
            raise CommandError(
                "Chưa có dữ liệu xã, phường: hãy chạy `python manage.py load_divisions` trước."
            )
        accounts = demo_seed(password=settings.DEMO_PASSWORD)
        bundles = demo_bundles_seed(ward=DEMO_WARDS[0])
        rows = [("Tên đăng nhập", "Vai trò", "Đơn vị", "Mật khẩu")]
        for user in accounts:
            rows.append(
                (
                    user.username,
                    user.get_role_display(),
                    user.jurisdiction_label or "—",
                    settings.DEMO_PASSWORD,
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for index, row in enumerate(rows):
            self.stdout.write(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)))
            if index == 0:
                self.stdout.write("-+-".join("-" * w for w in widths))
        self.stdout.write(
            "Lãnh đạo, cán bộ tỉnh và quản trị: lần đăng nhập đầu tiên thiết lập ứng dụng xác thực (mã QR), "
            "sau đó mỗi lần đăng nhập nhập thêm mã 6 chữ số."
        )
        if bundles:
            self.stdout.write(
                "Hồ sơ mẫu: " + ", ".join(f"{b.code} ({b.get_state_display()})" for b in bundles)
            )
