"""Remote signing over the CSC API (Cloud Signature Consortium), as a licensed CA's signing service
offers it: the key never leaves the provider, and the leader approves each batch with a one-time code
sent to their phone. pyHanko's CSC signer signs the batch's digests with one authorisation and one
``signatures/signHash`` call; a batch larger than the provider's limit needs as many approvals as the
limit requires, and the signing page says so before asking."""

from __future__ import annotations

import base64
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import requests
from cryptography import x509
from django.conf import settings
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.csc_signer import (
    CSCAuthorizationInfo,
    CSCAuthorizationManager,
    CSCServiceSessionInfo,
    CSCSigner,
    fetch_certs_in_csc_credential,
)

TIMEOUT_SECONDS = 30


class RemoteRefused(Exception):
    """The provider refused (a wrong or expired code, an unknown credential) or cannot be reached;
    the message says so in words a leader reads."""


def _session_info(credential_id: str) -> CSCServiceSessionInfo:
    return CSCServiceSessionInfo(
        service_url=settings.SIGNING["csc_url"].rstrip("/"),
        credential_id=credential_id,
        oauth_token=settings.SIGNING["csc_token"] or None,
    )


def _post(endpoint: str, credential_id: str, body: dict | None = None) -> dict:
    info = _session_info(credential_id)
    try:
        response = requests.post(
            info.endpoint_url(endpoint),
            json={"credentialID": credential_id, **(body or {})},
            headers=info.auth_headers,
            timeout=TIMEOUT_SECONDS,
        )
    except requests.RequestException:
        raise RemoteRefused("Không kết nối được dịch vụ ký số từ xa; vui lòng thử lại sau ít phút.") from None
    answer = (
        response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    )
    if response.status_code >= 400:
        raise RemoteRefused(_in_words(answer))
    return answer


def _in_words(answer: dict) -> str:
    if answer.get("error") == "invalid_otp":
        return (
            "Mã xác thực không đúng hoặc đã hết hạn; chưa ký hồ sơ nào. Bấm “Gửi mã xác thực” để nhận mã mới."
        )
    return "Dịch vụ ký số từ xa từ chối yêu cầu ký; chưa ký hồ sơ nào."


def code_send(*, credential_id: str) -> None:
    """Ask the provider to send the leader a one-time code for the next approval."""
    _post("credentials/sendOTP", credential_id)


@dataclass(frozen=True)
class RemoteCredential:
    certificate: x509.Certificate
    batch_limit: int


def credential_fetch(*, credential_id: str) -> RemoteCredential:
    """The credential's certificate and batch limit, as the provider describes it."""
    answer = _post("credentials/info", credential_id, {"certificates": "chain", "certInfo": False})
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(answer["cert"]["certificates"][0]))
        limit = int(answer.get("multisign", 1))
    except (KeyError, IndexError, TypeError, ValueError):
        raise RemoteRefused("Dịch vụ ký số từ xa không trả về chứng thư hợp lệ.") from None
    return RemoteCredential(certificate=certificate, batch_limit=max(1, limit))


class CodeApproval(CSCAuthorizationManager):
    """One approval for one batch: the batch's hashes and the code the leader typed, posted to
    ``credentials/authorize``. A second request under the same code is refused here."""

    def __init__(
        self, session_info, credential_info, *, http: aiohttp.ClientSession, code: str, description: str
    ):
        super().__init__(session_info, credential_info)
        self.http, self.code, self.description = http, code, description
        self.refusal = ""
        self.requests = 0

    async def authorize_signature(self, hash_b64s: list[str]) -> CSCAuthorizationInfo:
        self.requests += 1
        if self.requests > 1:
            self.refusal = "Một mã xác thực chỉ dùng cho một lần ký."
            raise SigningError(self.refusal)
        body = self.format_csc_auth_request(hash_b64s=hash_b64s, otp=self.code, description=self.description)
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with self.http.post(url, json=body, headers=self.auth_headers) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, ValueError) as exc:
            self.refusal = "Không kết nối được dịch vụ ký số từ xa; chưa ký hồ sơ nào."
            raise SigningError(self.refusal) from exc
        if response.status >= 400:
            self.refusal = _in_words(answer if isinstance(answer, dict) else {})
            raise SigningError(self.refusal)
        return self.parse_csc_auth_response(answer)


@asynccontextmanager
async def remote_signer(*, credential_id: str, fingerprint_sha256: str, code: str, description: str):
    """pyHanko's CSC signer for one approval, and the approval (which says why it was refused)."""
    info = _session_info(credential_id)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        try:
            credential = await fetch_certs_in_csc_credential(http, info, timeout=TIMEOUT_SECONDS)
        except SigningError:
            raise RemoteRefused("Không kết nối được dịch vụ ký số từ xa; chưa ký hồ sơ nào.") from None
        if credential.signing_cert.sha256.hex() != fingerprint_sha256:
            raise RemoteRefused(
                "Chứng thư trên dịch vụ ký số từ xa đã thay đổi; liên hệ quản trị để cập nhật rồi ký lại."
            )
        approval = CodeApproval(info, credential, http=http, code=code, description=description)
        yield CSCSigner(http, approval, batch_size=1, sign_timeout=TIMEOUT_SECONDS), approval
