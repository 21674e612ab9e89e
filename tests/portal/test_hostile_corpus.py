"""At least 200 hostile requests to each endpoint family: the bundle API and its actions, the agency
callbacks, the hospital intake, the HTML filing forms, the verification upload, the staff search and
the status endpoints. Deep nesting, NUL bytes, other scripts' digits, odd encodings, unknown codes and
wrong types, sent by strangers and, where a signature is asked, by signed peers. Whatever comes:

- no 5xx;
- the API answers with a problem document, a page that refuses a form shows the error at the field;
- the business tables hold as many rows as before (audit events, lockouts and counters may grow).

A failure names the family and the request's label: ``pytest -k <family>`` reproduces it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from interconnect.models import MessageLog
from portal.common import signatures
from registrations.facilities.models import CertificateUse, MedicalCertificate
from registrations.models import (
    Attachment,
    BirthDetails,
    Bundle,
    Correction,
    DeathDetails,
    Person,
    Step,
    SupplementRequest,
)
from signing import services as signing_services
from signing.models import Extract
from tests import hostile
from tests.registrations.helpers import PDF, birth_declaration, start_body
from tests.registrations.states import Cast, _send, build, step
from tests.registrations.test_hospital_intake import BIRTHS, DEATHS, Facility, birth_certificate, death_notice
from tests.signing.test_signing import registered_with_personal_id
from tests.web.filing_helpers import page_post, pages_in_order

pytestmark = pytest.mark.usefixtures("divisions")
BUSINESS_TABLES = [
    Bundle,
    Person,
    BirthDetails,
    DeathDetails,
    Step,
    Attachment,
    SupplementRequest,
    Correction,
    MedicalCertificate,
    CertificateUse,
    MessageLog,
    Extract,
]
PROBLEM = "application/problem+json"
Request = tuple[str, Callable[[], object]]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in BUSINESS_TABLES}


class World:
    """One ward's people and one bundle in each state a stranger could aim at."""

    def __init__(self, tmp_path):
        self.cast = Cast()
        self.declaration = birth_declaration()
        self.draft = build("draft", self.cast)
        self.submitted = build("submitted", self.cast)
        self.in_review = build("in_review", self.cast)
        self.sending = build("registered", self.cast)
        _send(step(self.sending, "personal_id"))
        self.sending_key = str(step(self.sending, "personal_id").idempotency_key)
        signing_services.certificate_issue_dev(user=self.cast.leader)
        self.extract = signing_services.bundle_sign_extract(
            bundle=registered_with_personal_id(self.cast), leader=self.cast.leader
        )
        self.facility = Facility("BV-SAN-NA", self.draft.ward_id)
        self.facility.send(BIRTHS, birth_certificate())
        self.citizen_api, self.clerk_api = APIClient(), APIClient()
        self.citizen_api.force_authenticate(self.cast.citizen)
        self.clerk_api.force_authenticate(self.cast.clerk)
        self.citizen, self.clerk, self.stranger = Client(), Client(), Client()
        self.citizen.force_login(self.cast.citizen)
        self.clerk.force_login(self.cast.clerk)


@pytest.fixture
def world(db, tmp_path):
    return World(tmp_path)


def api_raw(client, method: str, path: str, body: bytes, content_type="application/json", **headers):
    return client.generic(method, path, body, content_type=content_type, **headers)


def callback(agency: str, body: bytes, *, signed: bool = True, **headers):
    if signed and agency in settings.AGENCIES:
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in signatures.signed_headers(
                secret=settings.AGENCIES[agency]["secrets"][0], body=body
            ).items()
        } | headers
    return Client().generic(
        "POST", f"/api/v1/interconnect/callbacks/{agency}/", body, content_type="application/json", **headers
    )


# --- the families -------------------------------------------------------------------------------

STRICT_DRAFT_PATHS = [
    "group",
    "procedures",
    "registration_ward",
    "child.date_of_birth",
    "child.sex",
    "child.ethnicity",
    "child.nationality",
    "mother.id_number",
    "mother.ward_code",
    "requester.relationship",
]


def bundle_api(w: World) -> Iterator[Request]:
    base = start_body(w.declaration)
    for i, body in enumerate(hostile.BODIES):
        for content_type in hostile.CONTENT_TYPES:
            yield (
                f"create body {i} as {content_type}",
                lambda b=body, c=content_type: api_raw(w.citizen_api, "POST", "/api/v1/bundles/", b, c),
            )
    for i, body in enumerate(hostile.mutations(base, STRICT_DRAFT_PATHS)):
        yield f"create mutation {i}", lambda b=body: api_raw(w.citizen_api, "POST", "/api/v1/bundles/", b)
    for value in ["x", 2, [], {}, 0, "no"]:
        body = hostile.json_bytes({**base, "privacy_notice_accepted": value})
        yield (
            f"create privacy {value!r}",
            lambda b=body: api_raw(w.citizen_api, "POST", "/api/v1/bundles/", b),
        )
    draft = f"/api/v1/bundles/{w.draft.public_id}/"
    for i, body in enumerate(hostile.mutations({}, STRICT_DRAFT_PATHS[2:8], hostile.STRINGS)):
        yield f"patch mutation {i}", lambda b=body: api_raw(w.citizen_api, "PATCH", draft, b)
    for segment in hostile.SEGMENTS:
        for action in ("submit", "withdraw", "accept", "register"):
            client = w.citizen_api if action in ("submit", "withdraw") else w.clerk_api
            yield (
                f"{action} on {segment[:20]}",
                lambda s=segment, a=action, c=client: api_raw(c, "POST", f"/api/v1/bundles/{s}/{a}/", b"{}"),
            )
    for i, body in enumerate(hostile.BODIES):
        for action in ("reject", "request-supplement"):
            path = f"/api/v1/bundles/{w.in_review.public_id}/{action}/"
            yield f"{action} body {i}", lambda b=body, p=path: api_raw(w.clerk_api, "POST", p, b)
    for value in hostile.STRINGS:
        for action, field in (("reject", "reason"), ("request-supplement", "items")):
            body = hostile.json_bytes({field: value})
            path = f"/api/v1/bundles/{w.in_review.public_id}/{action}/"
            yield (
                f"{action} {field}={value[:12]!r}",
                lambda b=body, p=path: api_raw(w.clerk_api, "POST", p, b),
            )
    for name in ("state", "group", "ward", "page"):
        for value in hostile.TYPED:
            yield (
                f"list ?{name}={value[:12]!r}",
                lambda n=name, v=value: w.clerk_api.get("/api/v1/bundles/", {n: v}),
            )
        for raw in hostile.RAW_QUERY:
            yield (
                f"list ?{name}={raw[:12]}",
                lambda n=name, r=raw: w.clerk_api.get(f"/api/v1/bundles/?{n}={r}"),
            )


def callbacks(w: World) -> Iterator[Request]:
    valid = {"idempotency_key": w.sending_key, "status": "done", "result": {"personal_id": "040226000001"}}
    for i, body in enumerate(hostile.BODIES):
        yield f"signed body {i}", lambda b=body: callback("police", b)
        yield f"signed body {i} to social insurance", lambda b=body: callback("social_insurance", b)
    paths = ["idempotency_key", "status", "result", "result.personal_id"]
    for i, body in enumerate(hostile.mutations(valid, paths)):
        yield f"signed mutation {i}", lambda b=body: callback("police", b)
    body = hostile.json_bytes(valid)
    for value in hostile.TYPED:
        yield (
            f"X-Timestamp {value[:12]!r}",
            lambda v=value: callback(
                "police", body, signed=False, HTTP_X_TIMESTAMP=v, HTTP_X_SIGNATURE="sha256=" + "0" * 64
            ),
        )
        yield (
            f"X-Signature {value[:12]!r}",
            lambda v=value: callback(
                "police", body, signed=False, HTTP_X_TIMESTAMP=str(int(time.time())), HTTP_X_SIGNATURE=v
            ),
        )
    for segment in hostile.SEGMENTS:
        yield f"agency {segment[:20]}", lambda s=segment: callback(s, body)


def intake(w: World) -> Iterator[Request]:
    for i, body in enumerate(hostile.BODIES):
        yield f"births body {i}", lambda b=body: w.facility.send(BIRTHS, b)
        yield f"deaths body {i}", lambda b=body: w.facility.send(DEATHS, b)
    birth_paths = ["mother.id_number", "mother.date_of_birth", "child.sex", "child.date_of_birth", "facility"]
    for i, body in enumerate(hostile.mutations(birth_certificate(number="GCS-HOSTILE-1"), birth_paths)):
        yield f"birth mutation {i}", lambda b=body: w.facility.send(BIRTHS, b)
    for i, body in enumerate(hostile.mutations(death_notice(number="GBT-HOSTILE-1"), ["deceased.id_number"])):
        yield f"death mutation {i}", lambda b=body: w.facility.send(DEATHS, b)
    for segment in hostile.SEGMENTS:
        body = hostile.json_bytes(birth_certificate())
        yield (
            f"correction of {segment[:20]}",
            lambda s=segment, b=body: w.facility.send(f"{BIRTHS}{s}/correction/", b),
        )
    for value in hostile.TYPED:
        body = hostile.json_bytes(birth_certificate(number="GCS-HOSTILE-2"))
        yield f"X-Facility {value[:12]!r}", lambda v=value, b=body: w.facility.send(BIRTHS, b, code=v)


def filing_forms(w: World) -> Iterator[Request]:
    few = hostile.TYPED[:10]
    for value in hostile.TYPED:
        yield (
            f"start procedures={value[:12]!r}",
            lambda v=value: w.citizen.post("/nop-ho-so/khai-sinh/", {"procedures": [v], "privacy": "on"}),
        )
    for segment in ("khai-sinh", "khai-tu"):
        yield (
            f"start {segment} without privacy",
            lambda s=segment: w.citizen.post(f"/nop-ho-so/{s}/", {"procedures": ["health_insurance"]}),
        )
    for page in pages_in_order(w.declaration):
        typed = page_post(w.declaration, page)
        url = f"/ho-so-cua-toi/{w.draft.public_id}/khai/{page.slug}/"
        for field in page.fields:
            if field.kind in ("text", "textarea"):
                continue  # free text takes what a person writes; its limits are tested with the draft rules
            for value in few:
                yield (
                    f"{page.slug} {field.path}={value[:12]!r}",
                    lambda u=url, d={**typed, field.path: value}: w.citizen.post(u, d),
                )
    upload = f"/ho-so-cua-toi/{w.draft.public_id}/giay-to/tai-len/"
    for i, body in enumerate(hostile.BODIES):
        yield (
            f"upload content {i}",
            lambda b=body: w.citizen.post(upload, {"kind": "other", "file": SimpleUploadedFile("a.pdf", b)}),
        )
    for value in hostile.TYPED:
        yield (
            f"upload kind {value[:12]!r}",
            lambda v=value: w.citizen.post(upload, {"kind": v, "file": SimpleUploadedFile("a.pdf", PDF)}),
        )
    two = {
        "kind": "other",
        "file": SimpleUploadedFile("a.pdf", PDF),
        "more": SimpleUploadedFile("b.pdf", PDF),
    }
    yield "upload two files", lambda: w.citizen.post(upload, two)
    review = f"/ho-so-cua-toi/{w.draft.public_id}/xem-lai/"
    for value in few:
        yield f"review confirm={value[:12]!r}", lambda v=value: w.citizen.post(review, {"confirm": v})


def verification(w: World) -> Iterator[Request]:
    url = f"/verify/{w.extract.token}/"
    for i, body in enumerate(hostile.BODIES):
        yield (
            f"file content {i}",
            lambda b=body: w.stranger.post(url, {"file": SimpleUploadedFile("x.pdf", b)}),
        )
        for content_type in hostile.CONTENT_TYPES:
            yield (
                f"raw body {i} as {content_type}",
                lambda b=body, c=content_type: w.stranger.generic("POST", url, b, content_type=c),
            )
    for value in hostile.TYPED:
        name = value.replace("\x00", "") or "x"
        yield (
            f"file name {value[:12]!r}",
            lambda n=name: w.stranger.post(url, {"file": SimpleUploadedFile(n[:200], PDF)}),
        )
        yield f"wrong field {value[:12]!r}", lambda v=value: w.stranger.post(url, {"x": v})
    for segment in hostile.SEGMENTS:
        yield f"GET token {segment[:20]}", lambda s=segment: w.stranger.get(f"/verify/{s}/")
        yield (
            f"POST token {segment[:20]}",
            lambda s=segment: w.stranger.post(f"/verify/{s}/", {"file": SimpleUploadedFile("x.pdf", PDF)}),
        )
    for value in hostile.TYPED:
        yield (
            f"file of text {value[:12]!r}",
            lambda v=value: w.stranger.post(url, {"file": SimpleUploadedFile("x.pdf", v.encode())}),
        )
    for raw in hostile.RAW_QUERY:
        yield f"GET ?x={raw[:12]}", lambda r=raw: w.stranger.get(f"{url}?x={r}")
    yield (
        "declared 60 MB",
        lambda: w.stranger.generic(
            "POST",
            url,
            b"",
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(60 * 1024 * 1024),
        ),
    )


def staff_search(w: World) -> Iterator[Request]:
    for value in [*hostile.TYPED, *hostile.SEGMENTS]:
        yield f"search q={value[:12]!r}", lambda v=value: w.clerk.post("/can-bo/tim-kiem/", {"q": v})
        yield (
            f"search q twice {value[:12]!r}",
            lambda v=value: w.clerk.post("/can-bo/tim-kiem/", {"q": [v, v]}),
        )
        for name in ("loc", "nhom", "trang"):
            yield (
                f"queue ?{name}={value[:12]!r}",
                lambda n=name, v=value: w.clerk.get("/can-bo/ho-so/", {n: v}),
            )
    for i, body in enumerate(hostile.BODIES):
        for content_type in hostile.CONTENT_TYPES[:2]:
            yield (
                f"search body {i} as {content_type}",
                lambda b=body, c=content_type: w.clerk.generic(
                    "POST", "/can-bo/tim-kiem/", b, content_type=c
                ),
            )


def case_actions(w: World) -> Iterator[Request]:
    """The clerk's HTML actions on a case: what is typed in their reason and supplement boxes."""
    case = f"/can-bo/ho-so/{w.in_review.public_id}"
    for value in hostile.TYPED:
        for action in ("reject", "request_supplement", "register", "replay"):
            form = {
                "confirm": "on",
                "reason": value,
                "fields": [value],
                "attachments": [value],
                "procedure": value,
            }
            yield f"{action} with {value[:12]!r}", lambda a=action, f=form: w.clerk.post(f"{case}/{a}/", f)
        yield (
            f"unknown action {value[:12]!r}",
            lambda v=value: w.clerk.post(f"{case}/{v[:50]}/", {"confirm": "on"}),
        )
    for i, body in enumerate(hostile.BODIES):
        for content_type in hostile.CONTENT_TYPES:
            yield (
                f"reject body {i} as {content_type}",
                lambda b=body, c=content_type: w.clerk.generic("POST", f"{case}/reject/", b, content_type=c),
            )
    for segment in hostile.SEGMENTS:
        yield (
            f"case {segment[:20]} accept",
            lambda s=segment: w.clerk.post(f"/can-bo/ho-so/{s}/accept/", {"confirm": "on"}),
        )


def status_endpoints(w: World) -> Iterator[Request]:
    own = f"/ho-so-cua-toi/{w.submitted.public_id}/"
    for segment in hostile.SEGMENTS:
        for suffix in ("", "cac-buoc/"):
            yield (
                f"status {segment[:20]}/{suffix}",
                lambda s=segment, x=suffix: w.citizen.get(f"/ho-so-cua-toi/{s}/{x}"),
            )
        yield f"api detail {segment[:20]}", lambda s=segment: w.citizen_api.get(f"/api/v1/bundles/{s}/")
        yield f"case {segment[:20]}", lambda s=segment: w.clerk.get(f"/can-bo/ho-so/{s}/")
    for value in hostile.TYPED:
        yield f"status ?x={value[:12]!r}", lambda v=value: w.citizen.get(own, {"x": v})
        yield (
            f"fragment If-None-Match {value[:12]!r}",
            lambda v=value: w.citizen.get(f"{own}cac-buoc/", HTTP_IF_NONE_MATCH=v.replace("\x00", "")),
        )
        yield (
            f"Accept-Language {value[:12]!r}",
            lambda v=value: w.citizen.get(own, HTTP_ACCEPT_LANGUAGE=v.replace("\x00", "")),
        )
        yield f"wards ?q={value[:12]!r}", lambda v=value: w.stranger.get("/dia-gioi/xa-phuong/", {"q": v})
        yield (
            f"api detail ?x={value[:12]!r}",
            lambda v=value: w.citizen_api.get(f"/api/v1/bundles/{w.submitted.public_id}/", {"x": v}),
        )
    for raw in hostile.RAW_QUERY:
        yield f"status ?x={raw[:12]}", lambda r=raw: w.citizen.get(f"{own}?x={r}")
        yield f"api list ?ward={raw[:12]}", lambda r=raw: w.citizen_api.get(f"/api/v1/bundles/?ward={r}")
        yield f"wards ?q={raw[:12]}", lambda r=raw: w.stranger.get(f"/dia-gioi/xa-phuong/?q={r}")
    for value in [*hostile.TYPED[:8], *hostile.VALUES[len(hostile.STRINGS) :]]:
        yield (
            f"api list ?page={str(value)[:12]!r}",
            lambda v=value: w.citizen_api.get("/api/v1/bundles/", {"page": str(v)}),
        )


FAMILIES = {
    "bundle_api": bundle_api,
    "callbacks": callbacks,
    "intake": intake,
    "filing_forms": filing_forms,
    "verification": verification,
    "staff_search": staff_search,
    "case_actions": case_actions,
    "status_endpoints": status_endpoints,
}


def judged(label: str, path: str, response) -> str | None:
    """Why this answer is wrong, or None."""
    status = response.status_code
    if status >= 500:
        return f"{label}: {status}"
    content_type = response.get("Content-Type", "")
    if path.startswith("/api/") and status >= 400 and not content_type.startswith(PROBLEM):
        return f"{label}: {status} as {content_type}, not a problem document"
    if status == 400 and content_type.startswith("text/html"):
        page = response.content.decode()
        if "field-error" not in page and "error-summary" not in page:
            return f"{label}: a 400 page that shows no error at a field"
    return None


@pytest.mark.parametrize("family", FAMILIES)
def test_hostile_requests_never_fail_and_never_change_a_business_table(world, family):
    before = row_counts()
    failures, sent = [], 0
    for label, send in FAMILIES[family](world):
        response = send()
        sent += 1
        path = response.wsgi_request.path if hasattr(response, "wsgi_request") else ""
        problem = judged(label, path, response)
        if problem:
            failures.append(problem)
    assert sent >= 200, f"{family}: only {sent} hostile requests"
    assert failures == [], f"{family}: {len(failures)} of {sent} answers were wrong:\n" + "\n".join(
        failures[:40]
    )
    assert row_counts() == before
