"""The test PKI, described for certomancer: a root, an intermediate CA for signers with its OCSP
responder, CRLs, and a time-stamping authority whose certificate is renewed every three years (each
one valid for four), so an extract outlives several of them only if its timestamps are renewed.

The keys are generated at set-up into the PKI folder (never into the repository); certomancer reads
them from there and derives the certificates from this description."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ARCH = "cong-lien-thong"
CA_KEYS = ("root", "root-ocsp", "interm", "interm-ocsp")
ROOT_CERT, INTERM_CERT = "root.pem", "interm.pem"
# The time-stamping authority's certificates: a new one every 3 years, each valid for 4.
TSA_FIRST_YEAR, TSA_LAST_YEAR, TSA_STRIDE, TSA_LIFETIME = 2024, 2070, 3, 4


def tsa_labels() -> list[tuple[str, int]]:
    return [(f"tsa-{year}", year) for year in range(TSA_FIRST_YEAR, TSA_LAST_YEAR, TSA_STRIDE)]


def key_names() -> list[str]:
    """Each TSA certificate comes with a key of its own, as a real authority rotates them."""
    return [*CA_KEYS, *(label for label, _year in tsa_labels())]


def _validity(start_year: int, end_year: int) -> dict:
    return {"valid-from": f"{start_year}-01-01T00:00:00+0000", "valid-to": f"{end_year}-01-01T00:00:00+0000"}


def _key_usage(*uses: str) -> dict:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(uses)}}


def _ocsp_from(responder: str) -> dict:
    """Where to ask about a certificate: OCSP answers for that one certificate, so the revocation data
    an extract gathers at each renewal proves only what that renewal needs."""
    return {
        "id": "authority_information_access",
        "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": [responder]}},
    }


def _crl_from(repo: str) -> dict:
    return {
        "id": "crl_distribution_points",
        "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": [repo]}},
    }


def description(keys_dir: Path, url_prefix: str) -> dict:
    """Certomancer's configuration for the PKI served under ``url_prefix``."""
    tsa_certs = {
        label: {
            "subject": "tsa",
            "subject-key": label,
            "issuer": "root",
            "validity": _validity(year, year + TSA_LIFETIME),
            "extensions": [
                _key_usage("digital_signature"),
                {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
                _ocsp_from("root"),
            ],
        }
        for label, year in tsa_labels()
    }
    return {
        "external-url-prefix": url_prefix,
        "keysets": {
            ARCH: {
                "path-prefix": str(keys_dir),
                "keys": {name: {"path": f"{name}.key.pem"} for name in key_names()},
            },
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {
                    "country-name": "VN",
                    "organization-name": "Cổng liên thông (thử nghiệm)",
                },
                "entities": {
                    "root": {"common-name": "CA gốc thử nghiệm"},
                    "root-ocsp": {"common-name": "OCSP của CA gốc thử nghiệm"},
                    "interm": {"common-name": "CA cấp chứng thư ký số thử nghiệm"},
                    "interm-ocsp": {"common-name": "OCSP thử nghiệm"},
                    "tsa": {"common-name": "Dịch vụ cấp dấu thời gian thử nghiệm"},
                },
                "certs": {
                    "root": {
                        "subject": "root",
                        "issuer": "root",
                        "validity": _validity(2020, 2100),
                        "extensions": [
                            {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
                            _key_usage("key_cert_sign", "crl_sign"),
                        ],
                    },
                    "interm": {
                        "issuer": "root",
                        "validity": _validity(2020, 2090),
                        "extensions": [
                            {
                                "id": "basic_constraints",
                                "critical": True,
                                "value": {"ca": True, "path-len-constraint": 0},
                            },
                            _key_usage("key_cert_sign", "crl_sign"),
                            _crl_from("root"),
                            _ocsp_from("root"),
                        ],
                    },
                    "root-ocsp": {
                        "issuer": "root",
                        "validity": _validity(2020, 2100),
                        "extensions": [
                            _key_usage("digital_signature"),
                            {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "interm-ocsp": {
                        "issuer": "interm",
                        "validity": _validity(2020, 2090),
                        "extensions": [
                            _key_usage("digital_signature"),
                            {"id": "extended_key_usage", "critical": True, "value": ["ocsp_signing"]},
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    **tsa_certs,
                },
                "services": {
                    "ocsp": {
                        "root": {
                            "for-issuer": "root",
                            "responder-cert": "root-ocsp",
                            "signing-key": "root-ocsp",
                        }
                    },
                    "crl-repo": {
                        "root": {
                            "for-issuer": "root",
                            "signing-key": "root",
                            "simulated-update-schedule": "P30D",
                        },
                        "interm": {
                            "for-issuer": "interm",
                            "signing-key": "interm",
                            "simulated-update-schedule": "P7D",
                        },
                    },
                    "cert-repo": {
                        "root": {"for-issuer": "root", "publish-issued-certs": True},
                        "interm": {"for-issuer": "interm", "publish-issued-certs": False},
                    },
                    "time-stamping": {
                        label: {"signing-key": label, "signing-cert": label} for label, _ in tsa_labels()
                    },
                },
            }
        },
    }


def ensure_keys(keys_dir: Path) -> None:
    """The PKI's own keys, generated once (unencrypted, readable by the owner only)."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    for name in key_names():
        path = keys_dir / f"{name}.key.pem"
        if path.exists():
            continue
        # Elliptic-curve keys: OpenSSL 3 re-checks an RSA key on every load (about 40 ms), and the
        # libraries load the key for each signature they make.
        key = ec.generate_private_key(ec.SECP384R1() if name == "root" else ec.SECP256R1())
        path.touch(mode=0o600)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )


@dataclass(frozen=True)
class TestPKI:
    """The test PKI in ``directory``, as served under ``url_prefix``."""

    directory: Path
    url_prefix: str

    @property
    def keys_dir(self) -> Path:
        return self.directory / "keys"

    @cached_property
    def arch(self):
        from certomancer.registry import ArchLabel, CertomancerConfig

        config = CertomancerConfig(
            description(self.keys_dir, self.url_prefix), key_search_dir=str(self.keys_dir)
        )
        return config.get_pki_arch(ArchLabel(ARCH))

    def cert(self, label: str):
        from certomancer.registry import CertLabel

        return self.arch.get_cert(CertLabel(label))

    def private_key(self, label: str):
        from certomancer.registry import KeyLabel

        return self.arch.key_set.get_private_key(KeyLabel(label))

    def tsa_for(self, moment: datetime) -> str:
        """The TSA certificate in use at ``moment``: the newest one already valid."""
        current = [label for label, year in tsa_labels() if self.cert(label).not_valid_before <= moment]
        return current[-1] if current else tsa_labels()[0][0]

    def tsa_for_now(self) -> str:
        from datetime import UTC

        return self.tsa_for(datetime.now(UTC))

    def url(self, path: str) -> str:
        return f"{self.url_prefix.rstrip('/')}/{ARCH}/{path}"


def ensure(directory: Path, url_prefix: str) -> TestPKI:
    """The test PKI in ``directory`` (keys created if missing), with its root and intermediate
    certificates written beside them for those who trust or chain to them."""
    pki = TestPKI(Path(directory), url_prefix)
    ensure_keys(pki.keys_dir)
    for label, name in (("root", ROOT_CERT), ("interm", INTERM_CERT)):
        path = pki.directory / name
        pem = _pem(pki.cert(label).dump())
        if not path.exists() or path.read_bytes() != pem:
            path.write_bytes(pem)
    return pki


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
