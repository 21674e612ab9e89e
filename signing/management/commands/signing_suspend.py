from django.core.management.base import BaseCommand, CommandError

from portal.accounts.constants import Role
from portal.accounts.models import User
from signing.suspension import signing_resume, signing_suspend


class Command(BaseCommand):
    help = (
        "Tạm dừng (hoặc cho ký lại với --resume) quyền ký số của một lãnh đạo: có hiệu lực ngay. "
        "Trích lục đã ký trước đó vẫn hợp lệ."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="")
        parser.add_argument("--resume", action="store_true")

    def handle(self, *args, username: str, reason: str, resume: bool, **options):
        leader = User.objects.filter(username=username, role=Role.WARD_LEADER).first()
        if leader is None:
            raise CommandError(f"Không có lãnh đạo cấp xã tên {username}.")
        if resume:
            count = signing_resume(user=leader, actor=None)
            self.stdout.write(f"Đã cho {username} ký lại ({count} chứng thư).")
            return
        try:
            count = signing_suspend(user=leader, actor=None, reason=reason)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã tạm dừng ký số của {username} ({count} chứng thư).")
