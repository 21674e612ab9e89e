"""The test PKI for the whole run, served by a thread of the test process (signing.pki.service)."""

from __future__ import annotations

from django.conf import settings

from signing.pki.service import ServedPKI


class SuitePKI(ServedPKI):
    def environment(self) -> dict[str, str]:
        """The signing settings for a portal process a test starts (gunicorn, a worker)."""
        values = self.signing_settings
        return {
            "SIGNING_PKI_DIR": str(values["pki_dir"]),
            "SIGNING_PKI_URL": values["pki_url"],
            "SIGNING_TSA_URL": values["tsa_url"],
            "SIGNING_TRUST_ROOTS": values["trust_roots"][0],
            "SIGNING_KEY_PASSPHRASE": settings.SIGNING["passphrase"],
        }
