from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.accounts.constants import Role
from portal.accounts.models import User
from signing.certificates import SigningRefused, certificate_register_pkcs12


class Command(BaseCommand):
    help = (
        "Gắn chứng thư ký số (tệp PKCS#12 do tổ chức cung cấp dịch vụ chứng thực cấp) "
        "cho tài khoản lãnh đạo. "
        "Tệp được mở bằng SIGNING_KEY_PASSPHRASE; chứng thư cũ của người này thôi hiệu lực."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("pkcs12", type=Path)

    def handle(self, *args, username: str, pkcs12: Path, **options):
        leader = User.objects.filter(username=username, role=Role.WARD_LEADER, is_active=True).first()
        if leader is None:
            raise CommandError(f"Không có lãnh đạo cấp xã đang hoạt động tên {username}.")
        if not pkcs12.is_file():
            raise CommandError(f"Không có tệp {pkcs12}.")
        try:
            record = certificate_register_pkcs12(user=leader, path=str(pkcs12.resolve()))
        except SigningRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã gắn chứng thư {record.subject} (hết hạn {record.not_after:%d/%m/%Y}) cho {username}."
        )
