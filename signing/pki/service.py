"""The test PKI over HTTP, as one WSGI application: certomancer's Animator serves the certificates,
the CRLs and each time-stamping certificate's service; two endpoints of the portal's own sit beside
it, because the leaders' certificates are issued as leaders come (certomancer knows only the ones
it was configured with):

- ``ocsp/leaders``: OCSP for any certificate the intermediate CA issued, "good" unless its serial
  is in ``revoked.json`` (what the portal writes when it revokes one);
- ``tsa/current``: one address for time stamps, answered with the TSA certificate in use at the
  request's moment, as a real authority renews its certificate behind the same URL.

The Animator reads the process clock (or certomancer's fake-time header), so a test that moves the
clock moves the PKI with it. Demo and tests only: production uses its CA's services."""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
from datetime import UTC, datetime
from urllib.parse import unquote

from asn1crypto import ocsp, tsp
from werkzeug.wrappers import Request, Response

from .architecture import ARCH, TestPKI
from .leaders import LEADER_OCSP_PATH

REVOKED = "revoked.json"
logger = logging.getLogger(__name__)


class _LeaderRevocations:
    """certomancer's revocation interface for certificates it did not issue itself."""

    def __init__(self, pki: TestPKI):
        self.pki = pki

    def get_issuer_cert(self):
        return self.pki.cert("interm")

    def check_revocation_status(self, cid: ocsp.CertId, at_time: datetime):
        revoked = _revoked(self.pki).get(format(cid["serial_number"].native, "x"))
        if revoked is None or datetime.fromisoformat(revoked["at"]) > at_time:
            return ocsp.CertStatus("good"), []
        info = ocsp.RevokedInfo(
            {"revocation_time": datetime.fromisoformat(revoked["at"]), "revocation_reason": revoked["reason"]}
        )
        return ocsp.CertStatus({"revoked": info}), []


def _revoked(pki: TestPKI) -> dict:
    path = pki.directory / REVOKED
    return json.loads(path.read_text()) if path.exists() else {}


def revoke(pki: TestPKI, *, serial: int, at: datetime, reason: str = "cessation_of_operation") -> None:
    """Record a leader's certificate as revoked from ``at`` on; its OCSP answers say so from then."""
    revoked = _revoked(pki)
    revoked[format(serial, "x")] = {"at": at.isoformat(), "reason": reason}
    (pki.directory / REVOKED).write_text(json.dumps(revoked, indent=1))


def _whole_seconds_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class PKIService:
    """The WSGI application; mount it at the PKI's URL prefix."""

    def __init__(self, pki: TestPKI):
        from certomancer.integrations.animator import Animator, AnimatorArchStore

        self.pki = pki
        self.animator = Animator(AnimatorArchStore({ARCH: pki.arch}), with_web_ui=False)
        self._crls: dict = {}

    def __call__(self, environ, start_response):
        if "HTTP_X_CERTOMANCER_FAKE_TIME" not in environ:
            # Whole seconds: NSS (pdfsig, Firefox) refuses OCSP times with a fraction ("Improperly
            # formatted time string"), and certomancer would write the clock's microseconds.
            environ = {**environ, "HTTP_X_CERTOMANCER_FAKE_TIME": _whole_seconds_now().isoformat()}
        request = Request(environ)
        try:
            answer = self._answer(request, environ)
        except Exception:  # noqa: BLE001 - bytes that are no OCSP or time-stamp request: refused, not a 500
            logger.info("signing.pki.unreadable_request", exc_info=True)
            answer = Response("Yêu cầu không đọc được.", status=400, mimetype="text/plain")
        return answer(environ, start_response)

    def _answer(self, request: Request, environ) -> Response:
        path = request.path.strip("/")
        if path.startswith(f"{ARCH}/{LEADER_OCSP_PATH}"):
            return self._leader_ocsp(request, path)
        if request.method == "POST" and path == f"{ARCH}/tsa/current":
            return self._current_tsa(request)
        if request.method == "GET" and "/crls/" in path:
            return self._crl(request, path, environ)
        answer = Response.from_app(self.animator, environ)
        if answer.status_code >= 500:  # certomancer could not read what was sent
            return Response("Yêu cầu không đọc được.", status=400, mimetype="text/plain")
        return answer

    def _crl(self, request: Request, path: str, environ) -> Response:
        """certomancer builds a CRL afresh on each request (about 0.1 s); within an hour it is the
        same list, so it is kept for that hour."""
        hour = self.animator.at_time(request).replace(minute=0, second=0, microsecond=0)
        key = (path, hour)
        if key not in self._crls:
            answer = Response.from_app(self.animator, environ)
            self._crls = {k: v for k, v in self._crls.items() if k[1] == hour}
            self._crls[key] = (answer.get_data(), answer.status_code, answer.mimetype)
        data, status, mimetype = self._crls[key]
        return Response(data, status=status, mimetype=mimetype)

    def _leader_ocsp(self, request: Request, path: str) -> Response:
        from certomancer.registry import CertLabel, KeyLabel
        from certomancer.services import SimpleOCSPResponder, choose_signed_digest

        responder_cert = self.pki.arch.get_cert(CertLabel("interm-ocsp"))
        responder = SimpleOCSPResponder(
            responder_cert=responder_cert,
            responder_key=self.pki.arch.key_set.get_private_key(KeyLabel("interm-ocsp")),
            signature_algo=choose_signed_digest("sha256", responder_cert.public_key),
            at_time=self.animator.at_time(request),
            revinfo_interface=_LeaderRevocations(self.pki),
        )
        if request.method == "GET":  # the request in the path, base64 (RFC 6960, A.1)
            encoded = unquote(path[len(f"{ARCH}/{LEADER_OCSP_PATH}") :].strip("/"))
            body = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        else:
            body = request.get_data()
        answer = responder.build_ocsp_response(ocsp.OCSPRequest.load(body))
        return Response(answer.dump(), mimetype="application/ocsp-response")

    def _current_tsa(self, request: Request) -> Response:
        from certomancer.registry import ServiceLabel

        moment = self.animator.at_time(request)
        stamper = self.pki.arch.service_registry.summon_timestamper(
            ServiceLabel(self.pki.tsa_for(moment)), moment
        )
        answer = stamper.request_tsa_response(tsp.TimeStampReq.load(request.get_data()))
        return Response(answer.dump(), mimetype="application/timestamp-reply")


def _no_delay_handler():
    from werkzeug.serving import WSGIRequestHandler

    class NoDelay(WSGIRequestHandler):
        """Answers leave at once: werkzeug writes headers and body in separate sends, which Nagle's
        algorithm and the client's delayed ACK turn into a 40 ms stall per answer."""

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_request(self, *args, **kwargs):  # a signature makes half a dozen calls: no line each
            pass

    return NoDelay


class ServedPKI:
    """The test PKI served on a loopback port by a thread of this process (the test suite, the
    bench): a clock moved in the process (time-machine) moves the PKI's clock with it."""

    def __init__(self, directory):
        from werkzeug.serving import make_server

        from .architecture import ensure

        self.server = make_server("127.0.0.1", 0, None, threaded=True, request_handler=_no_delay_handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.pki = ensure(directory, self.url)
        self.server.app = PKIService(self.pki)
        # certomancer derives each certificate on first use: here, not inside the first signature.
        for label in ("root", "interm", "interm-ocsp", "root-ocsp", self.pki.tsa_for_now()):
            self.pki.cert(label)
        self.thread = threading.Thread(target=self.server.serve_forever, name="test-pki", daemon=True)
        self.thread.start()

    @property
    def signing_settings(self) -> dict:
        """What ``settings.SIGNING`` needs to sign and validate against this PKI."""
        return {
            "pki_dir": self.pki.directory,
            "pki_url": self.url,
            "tsa_url": f"{self.url}/{ARCH}/tsa/current",
            "trust_roots": [str(self.pki.directory / "root.pem")],
        }

    def close(self) -> None:
        self.server.shutdown()
