"""A clerk of one ward cannot see another ward's data through any page or the admin; a citizen
cannot enter staff pages."""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal.accounts.jurisdiction import scope_for_user
from portal.accounts.models import User
from tests.factories import HA_NOI, WARD_A, WARD_B, WARD_HANOI, UserFactory

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.fixture
def people(db):
    return {
        "clerk_a": UserFactory(clerk=True, ward_id=WARD_A, username="clerk_a"),
        "leader_a": UserFactory(leader=True, ward_id=WARD_A, username="leader_a"),
        "clerk_b": UserFactory(clerk=True, ward_id=WARD_B, username="clerk_b"),
        "clerk_hn": UserFactory(clerk=True, ward_id=WARD_HANOI, username="clerk_hn"),
        "province": UserFactory(province_staff=True, username="province_na"),
        "province_hn": UserFactory(province_staff=True, province_id=HA_NOI, username="province_hn"),
        "citizen": UserFactory(citizen=True, username="citizen_x"),
        "admin": UserFactory(admin=True, username="root_admin"),
    }


def visible(user):
    return set(scope_for_user(User.objects.all(), user).values_list("username", flat=True))


def test_queryset_helper_scopes_every_role(people):
    assert visible(people["clerk_a"]) == {"clerk_a", "leader_a"}
    assert visible(people["clerk_b"]) == {"clerk_b"}
    assert visible(people["province"]) == {"clerk_a", "leader_a", "clerk_b", "province_na"}
    assert visible(people["province_hn"]) == {"clerk_hn", "province_hn"}
    assert visible(people["citizen"]) == {"citizen_x"}
    assert visible(people["admin"]) == set(User.objects.values_list("username", flat=True))


def test_deactivated_or_anonymous_users_see_nothing(people):
    from django.contrib.auth.models import AnonymousUser

    people["clerk_a"].is_active = False
    assert visible(people["clerk_a"]) == set()
    assert visible(AnonymousUser()) == set()


def test_clerk_sees_only_own_ward_in_the_admin_list_and_cannot_open_another_wards_row(client, people):
    client.force_login(people["clerk_a"])
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert "clerk_a" in body and "leader_a" in body
    assert "clerk_b" not in body and "clerk_hn" not in body

    foreign = client.get(reverse("admin:accounts_user_change", args=[people["clerk_b"].pk]), follow=True)
    assert "clerk_b" not in foreign.content.decode()
    assert foreign.redirect_chain and foreign.redirect_chain[0][0] == reverse("admin:index")

    # Searching for the other ward's account by name finds nothing either.
    search = client.get(reverse("admin:accounts_user_changelist"), {"q": "clerk_b"})
    assert search.context["cl"].result_count == 0


def test_clerk_cannot_change_accounts_in_the_admin(client, people):
    client.force_login(people["clerk_a"])
    response = client.post(
        reverse("admin:accounts_user_change", args=[people["leader_a"].pk]),
        {"username": "leader_a", "role": "ward_clerk", "ward": WARD_A},
    )
    assert response.status_code == 403
    people["leader_a"].refresh_from_db()
    assert people["leader_a"].role == "ward_leader"


def test_every_jurisdiction_bearing_admin_list_is_scoped(client, people):
    """Any model registered later with a jurisdiction is covered by this test automatically."""
    client.force_login(people["clerk_a"])
    for model, model_admin in admin.site._registry.items():
        if getattr(model, "jurisdiction", None) is None:
            continue
        request = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        if request.status_code == 403:
            continue
        shown = request.context["cl"].result_count
        assert shown == scope_for_user(model.objects.all(), people["clerk_a"]).count(), model


def test_citizen_cannot_enter_staff_pages(client, people):
    client.force_login(people["citizen"])
    assert client.get(reverse("web:staff-home")).status_code == 403
    admin_index = client.get(reverse("admin:index"))
    assert admin_index.status_code == 302 and "login" in admin_index["Location"]
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_anonymous_visitors_are_sent_to_staff_sign_in(client):
    response = client.get(reverse("web:staff-home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-login"))


def test_staff_home_names_the_clerks_ward(client, people):
    client.force_login(people["clerk_a"])
    response = client.get(reverse("web:staff-home"))
    assert response.status_code == 200
    assert "Phường Trường Vinh" in response.content.decode()
