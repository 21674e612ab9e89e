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


@pytest.mark.django_db
def test_provinces_are_named_with_their_unit_after_a_ward():
    """Texts and the extract's heading write a province with its unit (Circular 04/2020/TT-BTP forms:
    "tỉnh Nghệ An"); the package's city names already carry "Thành phố"."""
    from portal.divisions.selectors import ward_label

    divisions_load()
    shown = {code: Province.objects.get(code=code).full_name for code in (40, 1, 79)}
    assert shown == {40: "tỉnh Nghệ An", 1: "thành phố Hà Nội", 79: "thành phố Hồ Chí Minh"}
    assert ward_label(16690) == "Phường Trường Vinh, tỉnh Nghệ An"
    assert Ward.objects.get(code=16690).label == "Phường Trường Vinh, tỉnh Nghệ An"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "first", "resolved"),
    [
        ("Trường Vinh", "Phường Trường Vinh, tỉnh Nghệ An", True),
        ("truong vinh", "Phường Trường Vinh, tỉnh Nghệ An", True),
        ("Phường Trường Vinh, Nghệ An", "Phường Trường Vinh, tỉnh Nghệ An", True),
        # Xã Thành Vinh (Thanh Hóa) bears the same name: listed, but typing it alone does not choose.
        ("thanh vinh", "Phường Thành Vinh, tỉnh Nghệ An", False),
        # No ward is named just "Vinh": those starting with it come first, "Vinh" before "Vĩnh", and
        # typing it alone does not choose one.
        ("Vinh", "Phường Vinh Hưng, tỉnh Nghệ An", False),
    ],
)
def test_the_ward_whose_own_name_is_typed_comes_first(typed, first, resolved):
    """Found walking the filing form: "Trường Vinh" listed Phường Trường Long Hòa, Vĩnh Long first,
    and a citizen who took the first suggestion filed in the wrong province."""
    from portal.divisions.selectors import ward_resolve, ward_search

    divisions_load()
    assert ward_search(typed)[0][1] == first
    assert ward_label_of(ward_resolve(typed)) == (first if resolved else "")


def ward_label_of(code):
    from portal.divisions.selectors import ward_label

    return ward_label(code)


@pytest.mark.django_db
def test_wards_that_match_equally_are_listed_in_vietnamese_alphabetical_order():
    from portal.common.collation import vietnamese_key
    from portal.common.text import fold_accents
    from portal.divisions.selectors import ward_search

    divisions_load()
    # "Nghệ An" is in every Nghệ An ward's label and in none of their own names: one tie of 130.
    labels = [label for _code, label in ward_search("Nghệ An", limit=200)]
    assert len(labels) >= 130
    assert labels == sorted(labels, key=vietnamese_key)
    assert labels != sorted(labels, key=fold_accents)  # without the key "Xã Anh Sơn" would follow "Xã Ân…"
