"""The people and objects of the authorization matrix: every role, each with something of its own
(ward A, Nghệ An) and something foreign (ward B, or Hà Nội for provincial staff)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.constants import Role
from portal.accounts.services import counter_check_start
from signing import services as signing_services
from tests.factories import HA_NOI, WARD_B, UserFactory
from tests.registrations.helpers import birth_declaration
from tests.registrations.states import Cast, build
from tests.signing.test_signing import registered_with_personal_id

PASSWORD = "mat-khau-thu-nghiem"
ROLES = (
    "anonymous",
    "citizen",
    "other_citizen",
    "clerk",
    "other_clerk",
    "leader",
    "other_leader",
    "province",
    "other_province",
    "agency",
    "hospital",
    "admin",
)


def url_patterns() -> list[tuple[str, str]]:
    """(route, namespaced name) for every pattern the resolver knows."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(n for n in (namespace, p.namespace) if n)
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                name = ":".join(n for n in (namespace, p.name) if n) if p.name else ""
                yield prefix + str(p.pattern), name

    return sorted(set(walk(get_resolver().url_patterns, "", "")))


class World:
    def __init__(self) -> None:
        self._sessions: dict[str, tuple[Client, object]] = {}
        self.cast = Cast()  # citizen, clerk and leader of ward A
        self.other = Cast()  # their counterparts of ward B
        for user in (self.other.clerk, self.other.leader):
            user.ward_id = WARD_B
            user.save()
        self.users = {
            "citizen": self.cast.citizen,
            "other_citizen": self.other.citizen,
            "clerk": self.cast.clerk,
            "other_clerk": self.other.clerk,
            "leader": self.cast.leader,
            "other_leader": self.other.leader,
            "province": UserFactory(province_staff=True),
            "other_province": UserFactory(province_staff=True, province_id=HA_NOI),
            "agency": UserFactory(role=Role.AGENCY_CLIENT),
            "hospital": UserFactory(role=Role.HOSPITAL_CLIENT),
            "admin": UserFactory(admin=True),
        }
        signing_services.certificate_issue_dev(user=self.cast.leader)
        signing_services.certificate_issue_dev(user=self.other.leader)
        self.objects = {
            "own": self._objects(self.cast, birth_declaration),
            "foreign": self._objects(self.other, lambda: birth_declaration(ward=WARD_B)),
        }

    @staticmethod
    def _objects(cast: Cast, declaration) -> dict:
        """Each bundle with a declaration of its own (its own medical certificate number)."""
        draft = build("draft", cast, declaration())
        case = build("in_review", cast, declaration())
        awaiting_signature = registered_with_personal_id(cast, declaration())
        signed = signing_services.bundle_sign_extract(
            bundle=registered_with_personal_id(cast, declaration()), leader=cast.leader
        )
        return {
            "draft": draft,
            "bundle": case,
            "attachment": case.attachments.get(),
            "awaiting_signature": awaiting_signature,
            "extract": signed,
            "staff": cast.clerk,
            # A walk-in citizen's identity check begun by this ward's clerk at the counter.
            "counter_check": counter_check_start(
                clerk=cast.clerk, id_number=cast.citizen.id_number, group="birth"
            ),
        }

    def client(self, role: str) -> Client:
        """One signed-in client per role, its session made once. Callers send each request inside a
        rolled-back transaction, so the session row stays as made; the cookie is set back to it in case
        a request (a sign-out) replaced it."""
        if role not in self._sessions:
            client = Client()
            if role != "anonymous":
                client.force_login(self.users[role])
            self._sessions[role] = (client, client.cookies.get(settings.SESSION_COOKIE_NAME))
        client, session = self._sessions[role]
        client.cookies = SimpleCookie()
        if session is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = session.value
        return client


def fake_pdf() -> ContentFile:
    return ContentFile(b"%PDF-1.4\n%%EOF\n", name="x.pdf")
