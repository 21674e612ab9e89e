"""Keys held on a PKCS#11 token (a hardware security module; SoftHSM2 in the demo and the tests): the
key is generated on the token and never leaves it; the leader's PIN opens a session for one batch and
is never stored or logged."""

from __future__ import annotations

import logging
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from .pki import TestPKI
from .pki.leaders import IssuedCertificate, issued, leader_certificate

logger = logging.getLogger(__name__)
KEY_LABEL = "ky-so-lanh-dao"


class WrongPin(Exception):
    """The token refused the PIN (nothing was signed)."""


class TokenUnavailable(Exception):
    """The token is not there or cannot be opened."""


def softhsm_conf_text(tokens: Path) -> str:
    """SoftHSM2's configuration for a token folder of one's own (no root needed)."""
    return f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"


def _softhsm_conf() -> None:
    """Point SoftHSM at the demo's token folder unless the process already says where (tests do)."""
    conf = settings.SIGNING.get("softhsm_conf")
    if not conf or os.environ.get("SOFTHSM2_CONF"):
        return
    conf = Path(conf)
    if not conf.exists():
        tokens = conf.parent / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        conf.write_text(softhsm_conf_text(tokens))
    os.environ["SOFTHSM2_CONF"] = str(conf)


def _lib():
    import pkcs11

    _softhsm_conf()
    return pkcs11.lib(settings.SIGNING["pkcs11_module"])


def _token(label: str):
    import pkcs11

    try:
        return _lib().get_token(token_label=label)
    except (pkcs11.NoSuchToken, pkcs11.MultipleTokensReturned) as exc:
        raise TokenUnavailable(label) from exc


def token_provision(
    *, pki: TestPKI, username: str, full_name: str, organisation: str, pin: str, so_pin: str
) -> tuple[str, IssuedCertificate]:
    """A new SoftHSM token for a leader, a key generated on it (not extractable), and a certificate
    for that key from the test PKI. Demo and tests: production tokens come from the CA."""
    from pkcs11 import Attribute, KeyType

    label = f"lanh-dao-{username}"[:32]
    _softhsm_conf()
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin],
        check=True,
        capture_output=True,
    )
    # The module lists its tokens when it starts: have it look again for the one just made.
    _lib().reinitialize()
    with _token(label).open(user_pin=pin, rw=True) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA,
            2048,
            store=True,
            label=KEY_LABEL,
            private_template={Attribute.EXTRACTABLE: False, Attribute.SENSITIVE: True, Attribute.SIGN: True},
        )
        public_key = rsa.RSAPublicNumbers(
            int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[Attribute.MODULUS], "big"),
        ).public_key()
    certificate = leader_certificate(
        pki=pki, public_key=public_key, full_name=full_name, organisation=organisation
    )
    signers = pki.directory / "signers"
    signers.mkdir(exist_ok=True)
    path = signers / f"token-{username}.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return label, issued(certificate, path)


def _chain(pki_dir: Path) -> list[asn1_x509.Certificate]:
    return [
        asn1_x509.Certificate.load(
            x509.load_pem_x509_certificate((pki_dir / name).read_bytes()).public_bytes(
                serialization.Encoding.DER
            )
        )
        for name in ("interm.pem", "root.pem")
        if (pki_dir / name).exists()
    ]


@contextmanager
def token_signer(*, token_label: str, key_label: str, certificate_path: str, pin: str):
    """pyHanko's PKCS#11 signer on an open session of the leader's token, for one batch."""
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    try:
        session = _token(token_label).open(user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.ArgumentsBad) as exc:
        raise WrongPin() from exc
    except pkcs11.PinLocked as exc:
        raise TokenUnavailable(token_label) from exc
    certificate = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(Path(certificate_path).read_bytes()).public_bytes(
            serialization.Encoding.DER
        )
    )
    try:
        yield PKCS11Signer(
            session,
            key_label=key_label,
            signing_cert=certificate,
            ca_chain=_chain(settings.SIGNING["pki_dir"]),
        )
    finally:
        session.close()
