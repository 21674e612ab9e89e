import pytest
from django.core.management import call_command

from portal.divisions.models import Province, Ward
from portal.divisions.services import divisions_load


@pytest.mark.django_db
def test_load_divisions_gives_34_provinces_and_3321_wards_and_is_idempotent(capsys):
    divisions_load()
    assert Province.objects.count() == 34
    assert Ward.objects.count() == 3321
    assert Ward.objects.filter(province_id=40).count() == 130
    assert Province.objects.get(code=40).name == "Nghệ An"

    snapshot = list(Ward.objects.order_by("code").values_list("code", "name", "division_type", "province_id"))
    second = divisions_load()
    assert not second.changed
    assert (
        list(Ward.objects.order_by("code").values_list("code", "name", "division_type", "province_id"))
        == snapshot
    )

    call_command("load_divisions")
    out = capsys.readouterr().out
    assert "0 thêm, 0 cập nhật; xã/phường: 0 thêm, 0 cập nhật" in out
    assert "34 tỉnh, 3321 xã/phường" in out


@pytest.mark.django_db
def test_load_divisions_repairs_a_drifted_row():
    divisions_load(province_codes={40})
    Ward.objects.filter(code=16690).update(name="Tên sai")
    report = divisions_load(province_codes={40})
    assert (report.wards_created, report.wards_updated) == (0, 1)
    assert Ward.objects.get(code=16690).name == "Phường Trường Vinh"
