from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.constants import Role
from portal.accounts.models import User
from signing import pki
from signing.models import SignerCertificate
from signing.services import certificate_issue_dev


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm và chứng thư ký số (PKCS#12) cho từng lãnh đạo trình diễn, ngoài kho mã nguồn "
        "(thư mục SIGNING_PKI_DIR). Chạy lại chỉ tạo những gì còn thiếu."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("init_dev_pki chỉ dùng cho môi trường phát triển, trình diễn.")
        directory = settings.SIGNING["pki_dir"]
        pki.ensure(directory, settings.SIGNING["pki_url"])
        issued = []
        for leader in User.objects.filter(role=Role.WARD_LEADER, is_active=True):
            current = SignerCertificate.objects.filter(user=leader, active=True).first()
            if current is None or not Path(current.pkcs12_path).exists():
                certificate_issue_dev(user=leader)
                issued.append(leader.username)
        self.stdout.write(
            f"CA thử nghiệm: {directory / pki.ROOT_CERT}. "
            f"Cấp mới chứng thư cho: {', '.join(issued) or 'không ai (đã đủ)'}."
        )
