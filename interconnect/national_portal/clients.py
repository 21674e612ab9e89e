"""One interface to the national portal whatever its payload style: list the new dossiers of a ward,
read one, acknowledge it, push a status message. Each style is an adapter in ``styles``, chosen by
configuration (NATIONAL_PORTAL["style"]); what they share is here."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import requests
from django.conf import settings

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL_TIME = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, Vietnamese time
# A dossier with its attachments (at most 15 scans of 10 MB each, in base64) and some room.
MAX_ANSWER_BYTES = 220_000_000


class PortalUnavailable(Exception):
    """No answer, a timeout or a 5xx: try again later."""


class PortalRefused(Exception):
    """The portal answered that it will not take this (a 4xx other than a login to renew)."""


DOSSIER_CODE = re.compile(r"[A-Za-z0-9._-]{1,60}")


@dataclass(frozen=True)
class DossierRef:
    code: str
    procedure_code: str
    received_at: str = ""


def listed(refs: list[DossierRef]) -> list[DossierRef]:
    """The listed dossiers whose code can be a dossier code (a peer's mistake is logged, not kept)."""
    good = [r for r in refs if DOSSIER_CODE.fullmatch(r.code) and len(r.procedure_code) <= 20]
    if len(good) != len(refs):
        logging.getLogger("interconnect.national_portal").warning(
            "national_portal.pull.bad_codes", extra={"count": len(refs) - len(good)}
        )
    return good


@dataclass(frozen=True)
class Applicant:
    id_number: str
    full_name: str
    date_of_birth: str
    sex: str
    eid_level: int | None


@dataclass
class Dossier:
    """A dossier as read from the portal, in our words; ``problems`` lists what could not be read."""

    code: str
    procedure_code: str
    ward_id: int | None
    submitted_at: datetime | None
    applicant: Applicant
    declaration: object  # a dict (JSON) or XML text, as the portal sent it
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (kind, file name, bytes)
    problems: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """What the portal answered: its status and the body, read within MAX_ANSWER_BYTES."""

    status_code: int
    content: bytes


@dataclass(frozen=True)
class PushAnswer:
    delivered: bool
    detail: str = ""


def portal_time(moment: datetime | str | None) -> str:
    """A time (or its ISO text) as the portal writes it: yyyyMMddHHmmss in Vietnamese time ("" for none)."""
    if not moment:
        return ""
    moment = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return moment.astimezone(VIETNAM).strftime(PORTAL_TIME)


def parse_portal_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(str(text), PORTAL_TIME).replace(tzinfo=VIETNAM)
    except ValueError:
        return None


def decode_file(content: str) -> bytes | None:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return None


class PortalClient(ABC):
    """The coordination system as one style speaks it. Every call raises PortalUnavailable when
    worth retrying and PortalRefused when not."""

    style = ""

    def __init__(self, config: dict | None = None):
        self.config = config or settings.NATIONAL_PORTAL
        self.base_url = self.config["base_url"]
        self._local = threading.local()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _send(self, method: str, path: str, **kwargs) -> Reply:
        timeout = (self.config["connect_timeout"], self.config["read_timeout"])
        body = b""
        try:
            with self.http.request(
                method, f"{self.base_url}{path}", timeout=timeout, stream=True, **kwargs
            ) as response:
                # A dossier's answer carries its scans: read it up to a bound, never whatever arrives.
                for chunk in response.iter_content(chunk_size=65536):
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise PortalRefused(f"Câu trả lời vượt quá {MAX_ANSWER_BYTES // 1_000_000} MB.")
                status = response.status_code
        except requests.RequestException as exc:
            raise PortalUnavailable(f"{exc.__class__.__name__}") from None
        if status >= 500:
            raise PortalUnavailable(f"HTTP {status}")
        return Reply(status, body)

    @staticmethod
    def _json(reply: Reply):
        try:
            return json.loads(reply.content)
        except ValueError:
            raise PortalUnavailable(f"HTTP {reply.status_code}: câu trả lời không phải JSON") from None

    @abstractmethod
    def new_dossiers(self, *, ward_id: int) -> list[DossierRef]: ...

    @abstractmethod
    def dossier(self, *, code: str) -> Dossier: ...

    @abstractmethod
    def acknowledge(self, *, code: str) -> None: ...

    @abstractmethod
    def push(self, *, message: dict) -> PushAnswer:
        """Send one status message (the neutral payload of a StatusMessage)."""


STYLES: dict[str, type[PortalClient]] = {}


def register(cls: type[PortalClient]) -> type[PortalClient]:
    STYLES[cls.style] = cls
    return cls
