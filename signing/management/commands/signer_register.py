from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.constants import Role
from portal.accounts.models import User
from signing import pdf
from signing.models import SignerCertificate


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
            signer = pdf.load_signer(
                str(pkcs12.resolve()), settings.SIGNING["passphrase"], pkcs12.stat().st_mtime
            )
        except (ValueError, OSError) as exc:
            raise CommandError(f"Không mở được tệp PKCS#12: {exc}") from exc
        cert = signer.signing_cert
        with transaction.atomic():
            SignerCertificate.objects.filter(user=leader, active=True).update(active=False)
            record = SignerCertificate.objects.create(
                user=leader,
                pkcs12_path=str(pkcs12.resolve()),
                subject=cert.subject.human_friendly,
                fingerprint_sha256=cert.sha256.hex(),
                not_before=cert.not_valid_before,
                not_after=cert.not_valid_after,
            )
        self.stdout.write(
            f"Đã gắn chứng thư {record.subject} (hết hạn {record.not_after:%d/%m/%Y}) cho {username}."
        )
