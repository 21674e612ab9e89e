from django.core.management.base import BaseCommand, CommandError

from portal.audit.models import AuditEvent
from portal.audit.services import audit_verify


class Command(BaseCommand):
    help = "Kiểm tra toàn bộ chuỗi băm của nhật ký kiểm toán và các niêm phong ngày."

    def handle(self, *args, **options):
        broken = audit_verify()
        if broken:
            for link in broken:
                self.stderr.write(f"HỎNG {link}")
            raise CommandError(
                f"Nhật ký kiểm toán bị thay đổi: {len(broken)} chỗ hỏng; chỗ đầu tiên: {broken[0]}"
            )
        self.stdout.write(f"Nhật ký kiểm toán nguyên vẹn: {AuditEvent.objects.count()} sự kiện.")
