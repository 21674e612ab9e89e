"""Extracts rendered, and rendered and signed (PAdES B-B, and B-LTA with the test PKI's TSA and
OCSP on loopback), per second on one core."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.common import ROUNDS, spread


def case_signing(results: dict) -> None:
    """Render and sign on one core (this process, one thread)."""
    from datetime import date

    from django.conf import settings

    from signing import pdf, pki, render
    from signing.content import SIGNATURE_BOX, ExtractContent
    from signing.pki.service import ServedPKI

    served = ServedPKI(Path(os.environ["PORTAL_VAR_DIR"]) / "bench-pki")
    where = served.signing_settings
    issued = pki.issue_signer(
        pki=served.pki,
        passphrase=settings.SIGNING["passphrase"],
        username="bench-leader",
        full_name="Phan Đình Quý",
        organisation="UBND Phường Trường Vinh",
    )
    content = ExtractContent(
        title="Trích lục khai sinh",
        ward_name="Phường Trường Vinh",
        province_name="Nghệ An",
        registration_number=1,
        registration_book="01/2026",
        rows=[("Họ, chữ đệm, tên", "Nguyễn Thị Ánh Tuyết")] * 14,
        signed_on=date.today(),
        signer_name="Phan Đình Quý",
        signer_title="Phó Chủ tịch",
        verify_url="http://127.0.0.1:8000/verify/abcdefghijklmnopqrstuvwxyz012345/",
    )
    count = 25
    rates, render_only, long_term = [], [], []

    def render_and_sign(lta: bool) -> None:
        pdf.sign(
            pdf=render.render(content),
            pkcs12_path=str(issued.path),
            passphrase=settings.SIGNING["passphrase"],
            box=SIGNATURE_BOX,
            reason="bench",
            location="bench",
            tsa_url=where["tsa_url"],
            trust_roots=where["trust_roots"],
            long_term=lta,
        )

    render_and_sign(True)  # warm-up: fonts, key load, the PKI's first answers
    try:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(count):
                render.render(content)
            render_only.append(count / (time.perf_counter() - started))
            for lta, into in ((False, rates), (True, long_term)):
                started = time.perf_counter()
                for _ in range(count):
                    render_and_sign(lta)
                into.append(count / (time.perf_counter() - started))
    finally:
        served.close()
    results["signing"] = {
        "extracts_rendered_per_s": spread(render_only),
        "extracts_rendered_and_signed_per_s": spread(rates),
        "extracts_rendered_and_signed_b_lta_per_s": spread(long_term),
        "setup": "one process, one thread; ECDSA P-256 key; PAdES B-B, and B-LTA (signature timestamp, "
        "OCSP of the whole chain, document timestamp) against the test PKI on loopback",
    }
