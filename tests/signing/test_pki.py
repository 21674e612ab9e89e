"""The test PKI's certificates carry what validators look for: key identifiers, key usage and extended
key usage, where to find revocation data (CRL distribution point, OCSP) and the issuer."""

from datetime import UTC, datetime

from asn1crypto import x509
from django.conf import settings

from signing.models import SignerCertificate


def _extensions(cert: x509.Certificate) -> dict:
    return {e["extn_id"].native: e["extn_value"].native for e in cert["tbs_certificate"]["extensions"]}


def test_the_ca_the_responders_and_the_tsa_carry_their_extensions(test_pki):
    pki = test_pki.pki
    root, interm = _extensions(pki.cert("root")), _extensions(pki.cert("interm"))
    assert root["basic_constraints"]["ca"] and "key_identifier" in root
    assert interm["basic_constraints"] == {"ca": True, "path_len_constraint": 0}
    assert {"key_cert_sign", "crl_sign"} <= set(interm["key_usage"])
    assert "authority_key_identifier" in interm and "crl_distribution_points" in interm
    assert any(d["access_method"] == "ocsp" for d in interm["authority_information_access"])
    responder = _extensions(pki.cert("interm-ocsp"))
    assert responder["extended_key_usage"] == ["ocsp_signing"] and "ocsp_no_check" in responder
    tsa = _extensions(pki.cert(pki.tsa_for_now()))
    assert tsa["extended_key_usage"] == ["time_stamping"]
    assert any(d["access_method"] == "ocsp" for d in tsa["authority_information_access"])


def test_each_tsa_certificate_lasts_four_years_and_a_new_one_comes_every_three(test_pki):
    pki = test_pki.pki
    now = datetime.now(UTC)
    current = pki.cert(pki.tsa_for_now())
    assert current.not_valid_before <= now < current.not_valid_after
    assert (current.not_valid_after - current.not_valid_before).days < 4 * 366  # well before 15 years
    later = pki.cert(pki.tsa_for(current.not_valid_after.replace(year=current.not_valid_after.year - 1)))
    assert (
        later.not_valid_before > current.not_valid_before and later.not_valid_after > current.not_valid_after
    )


def test_a_leaders_certificate_says_how_to_check_it(cast, divisions):
    from cryptography import x509 as pyca
    from cryptography.hazmat.primitives.serialization import pkcs12

    record = SignerCertificate.objects.get(user=cast.leader, active=True)
    with open(record.pkcs12_path, "rb") as handle:
        _key, certificate, chain = pkcs12.load_key_and_certificates(
            handle.read(), settings.SIGNING["passphrase"].encode()
        )
    usage = certificate.extensions.get_extension_for_class(pyca.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    access = certificate.extensions.get_extension_for_class(pyca.AuthorityInformationAccess).value
    assert {d.access_method._name for d in access} == {"OCSP", "caIssuers"}
    assert certificate.extensions.get_extension_for_class(pyca.SubjectKeyIdentifier)
    assert certificate.extensions.get_extension_for_class(pyca.AuthorityKeyIdentifier)
    assert len(chain) == 2  # the intermediate and the root travel with it
    assert (certificate.not_valid_after_utc - certificate.not_valid_before_utc).days <= 731


def test_the_test_pki_refuses_what_it_cannot_read_without_failing(test_pki):
    import requests

    for service in ("ocsp/leaders", "tsa/current", "tsa/tsa-2024", "ocsp/root"):
        path = f"cong-lien-thong/{service}"
        answer = requests.post(f"{test_pki.url}/{path}", data=b"\x00not asn.1", timeout=5)
        assert answer.status_code == 400, (path, answer.status_code)
    assert requests.get(f"{test_pki.url}/cong-lien-thong/ocsp/leaders/%%%", timeout=5).status_code == 400


def test_a_revoked_leader_certificate_can_no_longer_sign(cast, divisions, test_pki):
    """The OCSP answer for a revoked certificate says so, and pyHanko refuses to sign with it."""
    import io

    import pytest
    from cryptography.hazmat.primitives.serialization import pkcs12
    from reportlab.pdfgen import canvas

    from signing import pdf
    from signing.pki.service import revoke

    record = SignerCertificate.objects.get(user=cast.leader, active=True)
    passphrase = settings.SIGNING["passphrase"]
    with open(record.pkcs12_path, "rb") as handle:
        certificate = pkcs12.load_key_and_certificates(handle.read(), passphrase.encode())[1]
    revoke(test_pki.pki, serial=certificate.serial_number, at=datetime.now(UTC).replace(microsecond=0))
    page = io.BytesIO()
    drawing = canvas.Canvas(page)
    drawing.drawString(100, 700, "thử")
    drawing.save()
    where = {key: settings.SIGNING[key] for key in ("tsa_url", "trust_roots")}
    with pytest.raises(pdf.SignatureRefused, match="thu hồi"):
        pdf.sign(pdf=page.getvalue(), pkcs12_path=record.pkcs12_path, passphrase=passphrase,
                 box=(100, 100, 300, 200), reason="thử", location="thử", **where)  # fmt: skip
