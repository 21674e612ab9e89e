"""A development PKI: a root CA and one PKCS#12 signing certificate per leader, made with
``cryptography``. Production brings its own certificates (paths and passphrase from the environment)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT_CERT, ROOT_KEY = "root.pem", "root-key.pem"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ensure_root(directory: Path, passphrase: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The development root CA, created once."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / ROOT_CERT, directory / ROOT_KEY
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=passphrase.encode())
        return certificate, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = _name("Cổng liên thông - CA thử nghiệm", "Cổng dịch vụ công liên thông (phát triển)")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(days=1))
        .not_valid_after(_now() + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return certificate, key


@dataclass(frozen=True)
class IssuedCertificate:
    path: Path
    subject: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime


def issue_signer(
    *, directory: Path, passphrase: str, username: str, full_name: str, organisation: str, days: int = 730
) -> IssuedCertificate:
    root, root_key = ensure_root(directory, passphrase)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = _name(full_name, organisation)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - dt.timedelta(days=1))
        .not_valid_after(_now() + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    path = directory / f"signer-{username}.p12"
    path.touch(mode=0o600)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=username.encode(),
            key=key,
            cert=certificate,
            cas=[root],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    return IssuedCertificate(
        path=path,
        subject=certificate.subject.rfc4514_string(),
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
