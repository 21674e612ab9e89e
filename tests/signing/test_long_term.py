"""Extracts are documents for life: fifteen years on, past the leader's certificate (two years) and
several time-stamping certificates (four years each), a genuine extract still validates, because the
renewal job added a document timestamp before each one expired. Without the job, or with a renewal
that came too late, the same extract no longer proves anything.

time-machine moves this process's clock, which pyHanko reads and which the test PKI's thread honours,
so the PKI answers each renewal and the final validation as it would on that day."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings

from signing import archive, pdf, services
from tests.signing.test_signing import registered_with_personal_id, signed_bytes

pytestmark = pytest.mark.usefixtures("divisions")
FIFTEEN_YEARS_ON = datetime(2041, 12, 1, 9, 0, tzinfo=UTC)


def _run_the_renewal_job(from_year: int, to_year: int) -> list[int]:
    """The daily job, run on the first of each quarter: it renews only what is due."""
    renewed = []
    for year in range(from_year, to_year + 1):
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 1, 2, 15, tzinfo=UTC)
            with time_machine.travel(moment, tick=True):
                if archive.extracts_renew_due():
                    renewed.append(year)
    return renewed


def _validated_at(content: bytes, moment: datetime) -> pdf.Verdict:
    with time_machine.travel(moment, tick=True):
        return pdf.validate(content, trust_roots=settings.SIGNING["trust_roots"])


def test_fifteen_years_on_a_renewed_extract_passes_and_the_verification_says_genuine(cast):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    handed_out = signed_bytes(extract)  # the family's copy, downloaded the day it was signed
    renewals = _run_the_renewal_job(2027, 2041)
    extract.refresh_from_db()
    assert len(renewals) >= 4 and len(extract.earlier_sha256) == len(renewals)
    assert extract.archived_until > FIFTEEN_YEARS_ON
    verdict = _validated_at(signed_bytes(extract), FIFTEEN_YEARS_ON)
    assert verdict.ok and verdict.long_term
    assert verdict.proven_at < datetime(2027, 1, 1, tzinfo=UTC)  # proven to exist when it was signed
    with time_machine.travel(FIFTEEN_YEARS_ON, tick=True):
        check = services.extract_check_upload(extract=extract, content=handed_out)
    assert check.genuine, check.message


def test_without_the_renewal_job_the_same_extract_fails_fifteen_years_on(cast):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    assert _validated_at(signed_bytes(extract), datetime(2027, 6, 1, tzinfo=UTC)).ok  # fine for now
    assert not _validated_at(signed_bytes(extract), FIFTEEN_YEARS_ON).ok
    with time_machine.travel(FIFTEEN_YEARS_ON, tick=True):
        assert not services.extract_check_upload(extract=extract, content=signed_bytes(extract)).genuine


def test_a_renewal_after_the_first_timestamps_certificate_expired_comes_too_late(cast):
    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    first_expiry = extract.archived_until
    assert first_expiry.year < 2030
    # The job was down until the first timestamp's certificate had expired, then ran every quarter.
    renewals = _run_the_renewal_job(first_expiry.year, 2041)
    assert datetime(renewals[0], 1, 1, tzinfo=UTC) >= first_expiry.replace(month=1, day=1)
    extract.refresh_from_db()
    assert extract.earlier_sha256  # it was renewed, only too late
    assert not _validated_at(signed_bytes(extract), FIFTEEN_YEARS_ON).ok


def test_pyhanko_cli_adesverify_reports_todays_extract_valid(cast, tmp_path):
    """The independent command-line validator, with the test PKI served and its root trusted."""
    import subprocess
    import sys
    from pathlib import Path

    extract = services.bundle_sign_extract(bundle=registered_with_personal_id(cast), leader=cast.leader)
    document = tmp_path / "extract.pdf"
    document.write_bytes(signed_bytes(extract))
    cli = Path(sys.executable).with_name("pyhanko")
    result = subprocess.run(
        [
            str(cli),
            "sign",
            "adesverify",
            "--executive-summary",
            "--trust-replace",
            "--trust",
            settings.SIGNING["trust_roots"][0],
            str(document),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID" in result.stdout.upper() and "INVALID" not in result.stdout.upper(), result.stdout
