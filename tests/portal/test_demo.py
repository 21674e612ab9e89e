import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import User
from portal.common.identifiers import personal_id_errors

pytestmark = pytest.mark.usefixtures("divisions")


def test_seed_demo_creates_every_role_and_is_repeatable(capsys, settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off; the demo seed needs it on
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert settings.DEMO_PASSWORD in out and "clerk1" in out
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["province1"] == "province_staff"
    assert roles["clerk1"] == roles["clerk2"] == "ward_clerk"
    assert roles["leader1"] == roles["leader2"] == "ward_leader"
    assert roles["admin"] == "admin"
    clerk1, clerk2 = User.objects.get(username="clerk1"), User.objects.get(username="clerk2")
    assert clerk1.ward_id != clerk2.ward_id and clerk1.ward.province_id == clerk2.ward.province_id == 40
    assert User.objects.get(username="province1").province_id == 40
    for citizen in User.objects.filter(role="citizen"):
        assert (
            personal_id_errors(citizen.id_number, date_of_birth=citizen.date_of_birth, sex=citizen.sex) == []
        )
        assert citizen.check_password(settings.DEMO_PASSWORD)
    count = User.objects.count()
    from registrations.models import Bundle

    states = sorted(Bundle.objects.values_list("state", flat=True))
    assert states == ["registered", "registered", "submitted"]
    call_command("seed_demo")
    assert User.objects.count() == count == 9
    assert Bundle.objects.count() == 3


def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="từ chối"):
        call_command("seed_demo")
    assert not User.objects.exists()
