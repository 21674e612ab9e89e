"""The demo's and the tests' remote-signing provider over the CSC API: certomancer-csc-dummy signs with
keys it holds, wrapped with what a licensed provider adds and the dummy leaves out:

- a one-time code sent to the leader's phone (written to a folder, like the demo's e-mail), stored
  hashed, valid for minutes, usable once, checked on ``credentials/authorize``;
- activation data with an expiry and a random ID, refused on ``signatures/signHash`` once expired
  or used, and never for more signatures than the approval covered (at most ``MAX_SIGNATURES``);
- the leader's certificate, issued once at enrolment by the test PKI's intermediate CA with the
  same profile as the other holdings, answered on ``credentials/info``.

The portal never sees the keys: they stay in this provider's folder. Not mounted in production."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .architecture import INTERM_CERT, ROOT_CERT, TestPKI
from .leaders import leader_certificate

FOLDER = "ky-tu-xa"
ARCH = "nha-cung-cap-ky-so"
CODE_SECONDS = 300
ACTIVATION_SECONDS = 300
CODE_ATTEMPTS = 3
MAX_SIGNATURES = 10
ENDPOINTS = (
    "info",
    "credentials/info",
    "credentials/sendOTP",
    "credentials/authorize",
    "signatures/signHash",
)


class Refused(Exception):
    """A CSC error answer: HTTP 400 with ``error`` and ``error_description``."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class _Forwarded:
    """What the dummy's handlers read of a request: its JSON body."""

    body: dict

    async def json(self) -> dict:
        return self.body


def _digest(credential: str, code: str) -> str:
    return hashlib.sha256(f"{credential}:{code}".encode()).hexdigest()


class RemoteSigningProvider:
    """The provider's state lives in ``<pki>/ky-tu-xa/``: keys, certificates, codes and activations
    (a locked JSON file, so several portal processes share one provider)."""

    def __init__(self, pki: TestPKI):
        self.pki = pki
        self.directory = pki.directory / FOLDER
        self.phone_dir = self.directory / "tin-nhan"
        self._config_key: tuple = ()
        self._dummy = None

    # --- enrolment (what the CA does when a leader subscribes) -----------------------------------

    def enrol(self, *, username: str, full_name: str, organisation: str, phone: str = "") -> str:
        """A key generated and kept here, a certificate for it; returns the credential ID."""
        label = f"lanh-dao-{username}-{secrets.token_hex(3)}"
        keys = self.directory / "keys"
        keys.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        key_path = keys / f"{label}.key.pem"
        key_path.touch(mode=0o600)
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        certificate = leader_certificate(
            pki=self.pki, public_key=key.public_key(), full_name=full_name, organisation=organisation
        )
        (keys / f"{label}.cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        with self._state() as state:
            state["credentials"][f"{ARCH}/{label}"] = {"label": label, "phone": phone[-4:]}
        return f"{ARCH}/{label}"

    # --- the wrapped dummy -----------------------------------------------------------------------

    def _credentials(self) -> dict:
        with self._state() as state:
            return dict(state["credentials"])

    def dummy(self):
        """certomancer-csc-dummy over a configuration holding the enrolled keys (rebuilt when one is
        added); its own certificates for them are never served."""
        from certomancer.registry import CertomancerConfig
        from csc_dummy.csc_dummy_server import CSCWithCertomancer, DummyServiceParams

        credentials = self._credentials()
        key = tuple(sorted(credentials))
        if self._dummy is None or key != self._config_key:
            labels = [entry["label"] for entry in credentials.values()]
            config = CertomancerConfig(
                _description(self.directory / "keys", labels), key_search_dir=str(self.directory)
            )
            self._dummy = CSCWithCertomancer(
                config,
                service_params=DummyServiceParams(
                    hash_pinning_required=True, multisign=MAX_SIGNATURES, sad_secret=self._secret()
                ),
            )
            self._config_key = key
        return self._dummy

    def _secret(self) -> bytes:
        path = self.directory / "sad.secret"
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_bytes(secrets.token_bytes(32))
        return path.read_bytes()

    # --- the CSC endpoints ------------------------------------------------------------------------

    async def handle(self, endpoint: str, body: dict) -> dict:
        """One CSC call; raises :class:`Refused` with the error to answer."""
        if endpoint == "info":
            return {"specs": "1.0.4.0", "name": "Dịch vụ ký số từ xa thử nghiệm", "lang": "vi",
                    "authType": ["external"], "methods": list(ENDPOINTS[1:])}  # fmt: skip
        if not isinstance(body, dict) or not isinstance(body.get("credentialID"), str):
            raise Refused("invalid_request", "Thiếu credentialID.")
        credential = body["credentialID"]
        if credential not in self._credentials():
            raise Refused("invalid_request", "Không có chứng thư này.")
        handler = {
            "credentials/info": self._info,
            "credentials/sendOTP": self._send_code,
            "credentials/authorize": self._authorize,
            "signatures/signHash": self._sign_hash,
        }.get(endpoint)
        if handler is None:
            raise Refused("invalid_request", "Không có phương thức này.", status=404)
        try:
            answer = await handler(credential, body)
        except Refused as exc:
            self._log(endpoint, body, exc.error)
            raise
        self._log(endpoint, body, "")
        return answer

    def _log(self, endpoint: str, body: dict, error: str) -> None:
        """Which calls were made, how many hashes each carried and what was refused (no codes)."""
        hashes = body.get("hash")
        with self._state() as state:
            entry = {"endpoint": endpoint, "credential": body["credentialID"], "error": error,
                     "hashes": len(hashes) if isinstance(hashes, list) else 0}  # fmt: skip
            state["log"] = [*state["log"][-199:], entry]

    def log(self) -> list[dict]:
        with self._state() as state:
            return list(state["log"])

    async def _info(self, credential: str, body: dict) -> dict:
        label = credential.split("/", 1)[1]
        chain = [
            (self.directory / "keys" / f"{label}.cert.pem").read_bytes(),
            (self.pki.directory / INTERM_CERT).read_bytes(),
            (self.pki.directory / ROOT_CERT).read_bytes(),
        ]
        certificates = [base64.b64encode(pem.unarmor(item)[2]).decode() for item in chain]
        if body.get("certificates", "single") == "single":
            certificates = certificates[:1]
        return {
            "key": {
                "status": "enabled",
                "algo": [algos.SignedDigestAlgorithmId("sha256_ecdsa").dotted],
                "len": 256,
            },
            "cert": {"certificates": [] if body.get("certificates") == "none" else certificates},
            "authMode": "explicit",
            "SCAL": "2",
            "multisign": MAX_SIGNATURES,
            "OTP": {"presence": "true", "type": "online", "format": "N", "label": "Mã xác thực"},
        }

    async def _send_code(self, credential: str, body: dict) -> dict:
        code = f"{secrets.randbelow(10**6):06d}"
        with self._state() as state:
            state["codes"][credential] = {
                "digest": _digest(credential, code), "until": time.time() + CODE_SECONDS, "attempts": 0,
            }  # fmt: skip
            phone = state["credentials"][credential].get("phone", "")
        self.phone_dir.mkdir(parents=True, exist_ok=True)
        message = (
            f"Ma xac thuc ky so: {code}. Hieu luc {CODE_SECONDS // 60} phut, dung mot lan. "
            "Khong cung cap ma nay cho bat ky ai."
        )
        name = f"{time.time_ns()}-{credential.split('/', 1)[1]}.txt"
        (self.phone_dir / name).write_text(f"Đến: ***{phone}\n{message}\n", encoding="utf-8")
        return {}

    async def _authorize(self, credential: str, body: dict) -> dict:
        self._spend_code(credential, str(body.get("OTP") or ""))
        try:
            count = int(body.get("numSignatures"))
        except (TypeError, ValueError):
            raise Refused("invalid_request", "numSignatures không hợp lệ.") from None
        if not 1 <= count <= MAX_SIGNATURES:
            raise Refused("invalid_request", f"Mỗi lần xác thực ký tối đa {MAX_SIGNATURES} chữ ký.")
        forwarded = {key: value for key, value in body.items() if key not in ("OTP", "PIN")}
        answer = await self._call(self.dummy().credentials_authorize, forwarded)
        activation = secrets.token_urlsafe(24)
        with self._state() as state:
            state["activations"][activation] = {
                "credential": credential, "sad": answer["SAD"], "count": count,
                "until": time.time() + ACTIVATION_SECONDS, "used": False,
            }  # fmt: skip
        return {"SAD": activation, "expiresIn": ACTIVATION_SECONDS}

    def _spend_code(self, credential: str, code: str) -> None:
        with self._state() as state:
            sent = state["codes"].get(credential)
            if sent is None or sent["until"] < time.time():
                state["codes"].pop(credential, None)
                raise Refused("invalid_otp", "Mã xác thực đã hết hạn hoặc chưa được gửi.")
            if not hmac.compare_digest(sent["digest"], _digest(credential, code)):
                sent["attempts"] += 1
                if sent["attempts"] >= CODE_ATTEMPTS:
                    state["codes"].pop(credential)
                raise Refused("invalid_otp", "Mã xác thực không đúng.")
            state["codes"].pop(credential)  # once

    async def _sign_hash(self, credential: str, body: dict) -> dict:
        hashes = body.get("hash")
        if not isinstance(hashes, list) or not hashes:
            raise Refused("invalid_request", "Thiếu hash.")
        with self._state() as state:
            activation = state["activations"].get(str(body.get("SAD") or ""))
            if activation is None or activation["credential"] != credential:
                raise Refused("invalid_request", "Dữ liệu kích hoạt ký không hợp lệ.")
            if activation["used"]:
                raise Refused("invalid_request", "Dữ liệu kích hoạt ký đã được dùng.")
            if activation["until"] < time.time():
                raise Refused("invalid_request", "Dữ liệu kích hoạt ký đã hết hạn.")
            if len(hashes) > activation["count"]:
                raise Refused("invalid_request", "Số chữ ký vượt quá số đã được xác thực.")
            activation["used"] = True
            sad = activation["sad"]
        return await self._call(self.dummy().signatures_sign_hash, {**body, "SAD": sad})

    @staticmethod
    async def _call(handler, body: dict) -> dict:
        from aiohttp import web

        try:
            response = await handler(_Forwarded(body))
        except web.HTTPException as exc:
            raise Refused("invalid_request", "Yêu cầu ký không hợp lệ.", status=exc.status) from None
        return json.loads(response.body)

    # --- state ------------------------------------------------------------------------------------

    @contextmanager
    def _state(self):
        """The provider's state under an exclusive lock; expired codes and activations dropped."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / "state.json"
        with open(self.directory / "state.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = json.loads(path.read_text()) if path.exists() else {}
            for part in ("credentials", "codes", "activations"):
                state.setdefault(part, {})
            state.setdefault("log", [])
            now = time.time()
            state["activations"] = {k: v for k, v in state["activations"].items() if v["until"] > now - 3600}
            try:
                yield state
            finally:  # a refusal keeps what it changed (a wrong code's count, a spent code)
                path.write_text(json.dumps(state))

    def messages(self) -> list[str]:
        """What was sent to phones, newest first (the demo's phone page, the tests)."""
        if not self.phone_dir.exists():
            return []
        return [p.read_text(encoding="utf-8") for p in sorted(self.phone_dir.iterdir(), reverse=True)]


def _description(keys_dir: Path, labels: list[str]) -> dict:
    """A certomancer architecture that only holds the provider's keys: the dummy signs with them and
    checks they exist; each placeholder certificate is never issued."""
    return {
        "keysets": {
            ARCH: {"path-prefix": str(keys_dir), "keys": {lb: {"path": f"{lb}.key.pem"} for lb in labels}}
        },
        "pki-architectures": {
            ARCH: {
                "keyset": ARCH,
                "entity-defaults": {"country-name": "VN"},
                "entities": {lb: {"common-name": lb} for lb in labels},
                "certs": {
                    lb: {
                        "subject": lb,
                        "issuer": lb,
                        "subject-key": lb,
                        "authority-key": lb,
                        "validity": {
                            "valid-from": "2020-01-01T00:00:00+0000",
                            "valid-to": "2100-01-01T00:00:00+0000",
                        },
                    }  # fmt: skip
                    for lb in labels
                },
            }
        },
    }


# --- over HTTP ----------------------------------------------------------------------------------------


async def answer(provider: RemoteSigningProvider, endpoint: str, raw: bytes) -> tuple[dict, int]:
    """One CSC call over HTTP, whoever serves it (aiohttp here, the demo's Django view): the JSON body
    in, the answer or the CSC error and its status out."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {}
    try:
        return await provider.handle(endpoint, body if isinstance(body, dict) else {}), 200
    except Refused as exc:
        return {"error": exc.error, "error_description": exc.description}, exc.status


def aiohttp_app(provider: RemoteSigningProvider):
    """The provider as an aiohttp application: ``POST /csc/v1/<endpoint>``."""
    from aiohttp import web

    async def endpoint(request):
        body, status = await answer(provider, request.match_info["endpoint"], await request.read())
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_post("/csc/v1/{endpoint:.+}", endpoint)
    return app


class ServedProvider:
    """The provider served on loopback by aiohttp in a thread of its own (tests, the bench)."""

    def __init__(self, provider: RemoteSigningProvider):
        import asyncio
        import threading

        from aiohttp import web

        self.provider = provider
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(aiohttp_app(provider), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"
        self._thread = threading.Thread(target=self._loop.run_forever, name="remote-signing", daemon=True)
        self._thread.start()

    def close(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
