import itertools
from datetime import date

import factory

from portal.accounts.constants import Role, Sex
from portal.accounts.models import User
from portal.common.identifiers import personal_id_century_digit

# Wards of the test provinces (see conftest.TEST_PROVINCES).
WARD_A = 16690  # Phường Trường Vinh, Nghệ An
WARD_B = 16681  # Phường Thành Vinh, Nghệ An
WARD_HANOI = 70  # Phường Hoàn Kiếm, Hà Nội
NGHE_AN, HA_NOI = 40, 1

_serial = itertools.count(1)


def valid_personal_id(*, date_of_birth: date, sex: str, province: str = "040") -> str:
    century = personal_id_century_digit(year=date_of_birth.year, sex=sex)
    return f"{province}{century}{date_of_birth.year % 100:02d}{next(_serial):06d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người Dùng Thứ {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    role = Role.CITIZEN
    password = factory.django.Password("mat-khau-thu-nghiem")

    class Params:
        clerk = factory.Trait(role=Role.WARD_CLERK, ward_id=WARD_A)
        leader = factory.Trait(role=Role.WARD_LEADER, ward_id=WARD_A, title="Chủ tịch")
        province_staff = factory.Trait(role=Role.PROVINCE_STAFF, province_id=NGHE_AN)
        admin = factory.Trait(role=Role.ADMIN, is_superuser=True)
        citizen = factory.Trait(
            role=Role.CITIZEN,
            sex=Sex.FEMALE,
            date_of_birth=date(1994, 5, 17),
            id_number=factory.LazyAttribute(
                lambda o: valid_personal_id(date_of_birth=o.date_of_birth, sex=o.sex)
            ),
        )
