"""Filing at the one-stop counter: the clerk checks a walk-in citizen's identity with a code the
citizen receives, fills the citizen's own bundle with them, and may not judge it afterwards."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.accounts.models import CounterCheck
from registrations import services
from registrations.exceptions import NotPermitted
from registrations.models import Bundle
from tests.factories import UserFactory
from tests.registrations.helpers import PDF, birth_declaration
from tests.registrations.states import Cast, validated
from tests.web.filing_helpers import page_post, pages_in_order

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def cast(db):
    cast = Cast()
    cast.other_clerk = UserFactory(clerk=True)  # a second clerk of the same ward
    return cast


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def identity_checked(cast, clerk_client) -> Bundle:
    start = clerk_client.post(
        reverse("web:counter-start"), {"id_number": cast.citizen.id_number, "group": "birth"}
    )
    assert start.status_code == 302, start.content.decode()[:2000]
    check = CounterCheck.objects.get(citizen=cast.citizen)
    confirm = clerk_client.post(start["Location"], {"code": check.code})
    assert confirm.status_code == 302
    return Bundle.objects.get(owner=cast.citizen)


def test_a_clerk_files_a_walk_in_citizens_bundle_which_the_citizen_owns(cast):
    clerk = signed_in(cast.clerk)
    unknown = clerk.post(reverse("web:counter-start"), {"id_number": "040199000000", "group": "birth"})
    assert "Không có tài khoản định danh điện tử" in unknown.content.decode()

    start = clerk.post(reverse("web:counter-start"), {"id_number": cast.citizen.id_number, "group": "birth"})
    check = CounterCheck.objects.get(citizen=cast.citizen)
    confirm_page = clerk.get(start["Location"]).content.decode()
    assert check.code not in confirm_page  # the code reaches the citizen, not the clerk's screen
    assert check.code in signed_in(cast.citizen).get(reverse("web:my-bundles")).content.decode()
    wrong = "000000" if check.code != "000000" else "111111"
    refused = clerk.post(start["Location"], {"code": wrong})
    assert "không đúng (còn 4 lần thử)" in refused.content.decode()
    assert not Bundle.objects.filter(owner=cast.citizen).exists()

    confirmed = clerk.post(start["Location"], {"code": check.code})
    bundle = Bundle.objects.get(owner=cast.citizen)
    assert confirmed["Location"] == reverse("web:filing-page", args=[bundle.public_id, "thu-tuc"])
    assert (bundle.origin, bundle.assisted_by_id, bundle.state) == ("counter", cast.clerk.pk, "draft")

    # The clerk fills it in on the citizen's filing pages, scans the certificate and submits.
    declaration = birth_declaration()
    for page in pages_in_order(declaration):
        response = clerk.post(
            reverse("web:filing-page", args=[bundle.public_id, page.slug]), page_post(declaration, page)
        )
        assert response.status_code == 302, (page.slug, response.content.decode()[:2000])
    upload = clerk.post(
        reverse("web:filing-upload", args=[bundle.public_id]),
        {"kind": "medical_birth_certificate", "file": SimpleUploadedFile("gcs.pdf", PDF, "application/pdf")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert upload.status_code == 201, upload.content
    submitted = clerk.post(reverse("web:filing-review", args=[bundle.public_id]), {"confirm": "on"})
    assert submitted["Location"] == reverse("web:receipt", args=[bundle.public_id])
    bundle.refresh_from_db()
    receipt = clerk.get(submitted["Location"]).content.decode()
    assert bundle.state == "submitted" and bundle.code in receipt

    # It is the citizen's: in their bundles, with the assisting clerk in its history.
    citizen = signed_in(cast.citizen)
    assert bundle.code in citizen.get(reverse("web:my-bundles")).content.decode()
    status = citizen.get(reverse("web:status", args=[bundle.public_id])).content.decode()
    assert f"Cán bộ {cast.clerk.full_name} hỗ trợ Anh/Chị khai hồ sơ tại bộ phận một cửa" in status
    # A draft the clerk is not filling in with its citizen stays out of reach.
    stranger = Cast().citizen
    theirs = services.bundle_create_draft(owner=stranger, data=validated(birth_declaration()))
    assert clerk.get(reverse("web:filing-page", args=[theirs.public_id, "tre"])).status_code == 404


def counter_bundle(cast) -> Bundle:
    bundle = services.bundle_start_at_counter(clerk=cast.clerk, citizen=cast.citizen, group="birth")
    declaration = birth_declaration()
    declaration.pop("group")
    services.bundle_update_draft(
        bundle=bundle, actor=cast.clerk, data=validated({"group": "birth", **declaration})
    )
    services.attachment_add(
        bundle=bundle,
        actor=cast.clerk,
        kind="medical_birth_certificate",
        upload=SimpleUploadedFile("gcs.pdf", PDF, content_type="application/pdf"),
    )
    return services.bundle_submit(bundle=bundle, actor=cast.clerk)


def test_the_assisting_clerk_may_not_accept_register_withdraw_or_answer_it(cast):
    bundle = counter_bundle(cast)
    with pytest.raises(NotPermitted, match="không được tự tiếp nhận"):
        services.bundle_accept(bundle=bundle, actor=cast.clerk)
    page = signed_in(cast.clerk).post(
        reverse("web:case-action", args=[bundle.public_id, "accept"]), {"confirm": "on"}, follow=True
    )
    assert "không được tự tiếp nhận" in page.content.decode()
    services.bundle_accept(bundle=bundle, actor=cast.other_clerk)  # another clerk of the ward does
    with pytest.raises(NotPermitted):
        services.bundle_register(bundle=bundle, actor=cast.clerk)
    with pytest.raises(NotPermitted):
        services.bundle_withdraw(bundle=bundle, actor=cast.clerk, reason="Nhầm")

    services.bundle_request_supplement(
        bundle=bundle, actor=cast.other_clerk, items=[{"field": "child.full_name", "reason": "Viết sai"}]
    )
    assert signed_in(cast.clerk).get(reverse("web:supplement", args=[bundle.public_id])).status_code == 404
    with pytest.raises(NotPermitted):
        services.bundle_resubmit(bundle=bundle, actor=cast.clerk, data={})
    assert Bundle.objects.get(pk=bundle.pk).state == "awaiting_citizen"
