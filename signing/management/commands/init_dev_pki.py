from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.accounts.constants import Role
from portal.accounts.models import User
from signing import pki
from signing.models import KeyHolding, SignerCertificate
from signing.pki.mount import remote_provider
from signing.pki.remote import ServedProvider
from signing.services import certificate_issue_dev, certificate_register_remote

# The demo's leader whose key the remote-signing provider holds: he signs with a code sent to the
# demo's phone (/mock-ky-so-tu-xa/dien-thoai/); the others hold a PKCS#12 file.
REMOTE_LEADERS = ("leader2",)


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm và chứng thư ký số cho từng lãnh đạo trình diễn, ngoài kho mã nguồn (thư mục "
        "SIGNING_PKI_DIR): tệp PKCS#12, hoặc khoá do dịch vụ ký số từ xa thử nghiệm giữ. "
        "Chạy lại chỉ tạo những gì còn thiếu."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("init_dev_pki chỉ dùng cho môi trường phát triển, trình diễn.")
        directory = settings.SIGNING["pki_dir"]
        pki.ensure(directory, settings.SIGNING["pki_url"])
        issued = []
        for leader in User.objects.filter(role=Role.WARD_LEADER, is_active=True):
            current = SignerCertificate.objects.filter(user=leader, active=True).first()
            remote = leader.username in REMOTE_LEADERS
            holding = KeyHolding.CSC if remote else KeyHolding.PKCS12
            if (
                current is not None
                and current.holding == holding
                and Path(current.pkcs12_path or current.certificate_path).exists()
            ):
                continue
            if remote:
                _enrol_remote(leader)
            else:
                certificate_issue_dev(user=leader)
            issued.append(leader.username)
        self.stdout.write(
            f"CA thử nghiệm: {directory / pki.ROOT_CERT}. "
            f"Cấp mới chứng thư cho: {', '.join(issued) or 'không ai (đã đủ)'}."
        )


def _enrol_remote(leader) -> None:
    """The provider makes the key and the certificate; the portal registers the credential, asking the
    provider over HTTP as it will when signing (served on loopback here: the site is not up yet)."""
    provider = remote_provider()
    credential = provider.enrol(
        username=leader.username, full_name=leader.full_name or leader.username,
        organisation=f"UBND {leader.ward.name}" if leader.ward_id else "UBND", phone="0912000002",
    )  # fmt: skip
    served = ServedProvider(provider)
    original = settings.SIGNING
    try:
        settings.SIGNING = {**original, "csc_url": served.url}
        certificate_register_remote(user=leader, credential_id=credential)
    finally:
        settings.SIGNING = original
        served.close()
