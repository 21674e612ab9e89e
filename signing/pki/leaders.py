"""Signing certificates for leaders from the test PKI's intermediate CA, made with ``cryptography``:
key usage for signatures, key identifiers, and where to ask about them (OCSP) and fetch their issuer
(AIA). Production brings certificates from a licensed CA (``signer_register``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from .architecture import TestPKI

LEADER_OCSP_PATH = "ocsp/leaders"


@dataclass(frozen=True)
class IssuedCertificate:
    path: Path
    subject: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime


def _pyca(asn1_cert) -> x509.Certificate:
    return x509.load_der_x509_certificate(asn1_cert.dump())


def _issuer_key(pki: TestPKI):
    return serialization.load_pem_private_key((pki.keys_dir / "interm.key.pem").read_bytes(), password=None)


def leader_certificate(
    *, pki: TestPKI, public_key, full_name: str, organisation: str, days: int = 730
) -> x509.Certificate:
    """A two-year signing certificate from the intermediate CA for ``public_key`` (wherever the private
    key is: in a file, or on a token that never lets it out)."""
    interm = _pyca(pki.cert("interm"))
    issuer_key = _issuer_key(pki)
    now = dt.datetime.now(dt.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "UBND"),
            x509.NameAttribute(NameOID.COMMON_NAME, full_name),
        ]
    )
    ocsp = x509.AccessDescription(
        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(pki.url(LEADER_OCSP_PATH))
    )
    issuer = x509.AccessDescription(
        AuthorityInformationAccessOID.CA_ISSUERS,
        x509.UniformResourceIdentifier(pki.url("certs/interm/ca.crt")),
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(interm.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .add_extension(x509.AuthorityInformationAccess([ocsp, issuer]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def issued(certificate: x509.Certificate, path: Path) -> IssuedCertificate:
    return IssuedCertificate(
        path=path,
        subject=certificate.subject.rfc4514_string(),
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def issue_signer(
    *, pki: TestPKI, passphrase: str, username: str, full_name: str, organisation: str, days: int = 730
) -> IssuedCertificate:
    """A leader's key (ECDSA P-256, fast to load for each signature) and certificate, as a PKCS#12
    file with the chain."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = leader_certificate(
        pki=pki, public_key=key.public_key(), full_name=full_name, organisation=organisation, days=days
    )
    signers = pki.directory / "signers"
    signers.mkdir(exist_ok=True)
    path = signers / f"signer-{username}.p12"
    path.touch(mode=0o600)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            name=username.encode(),
            key=key,
            cert=certificate,
            cas=[_pyca(pki.cert("interm")), _pyca(pki.cert("root"))],
            encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
        )
    )
    return issued(certificate, path)
