"""Demo accounts for a first run and for scripts. Invented people; never loaded under production."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .constants import Role, Sex
from .models import User

DEMO_PROVINCE_CODE = 40  # Nghệ An, the province of the article
DEMO_WARDS = (16690, 16681)  # Phường Trường Vinh, Phường Thành Vinh

DEMO_STAFF = (
    {
        "username": "province1",
        "full_name": "Hồ Thị Minh Châu",
        "role": Role.PROVINCE_STAFF,
        "province_id": DEMO_PROVINCE_CODE,
        "title": "Chuyên viên Sở Tư pháp",
    },
    {
        "username": "clerk1",
        "full_name": "Nguyễn Văn An",
        "role": Role.WARD_CLERK,
        "ward_id": DEMO_WARDS[0],
        "title": "Công chức tư pháp - hộ tịch",
    },
    {
        "username": "leader1",
        "full_name": "Phan Đình Quý",
        "role": Role.WARD_LEADER,
        "ward_id": DEMO_WARDS[0],
        "title": "Chủ tịch",
    },
    {
        "username": "clerk2",
        "full_name": "Trần Thị Bích Ngọc",
        "role": Role.WARD_CLERK,
        "ward_id": DEMO_WARDS[1],
        "title": "Công chức tư pháp - hộ tịch",
    },
    {
        "username": "leader2",
        "full_name": "Lê Quang Đạo",
        "role": Role.WARD_LEADER,
        "ward_id": DEMO_WARDS[1],
        "title": "Phó Chủ tịch",
    },
)
DEMO_CITIZENS = (
    {
        "username": "citizen1",
        "full_name": "Nguyễn Thị Lan",
        "sex": Sex.FEMALE,
        "date_of_birth": date(1995, 3, 12),
        "id_number": "040195012345",
    },
    {
        "username": "citizen2",
        "full_name": "Trần Văn Hùng",
        "sex": Sex.MALE,
        "date_of_birth": date(1990, 7, 8),
        "id_number": "040090067890",
    },
    {
        "username": "citizen3",
        "full_name": "Lê Thị Hoa",
        "sex": Sex.FEMALE,
        "date_of_birth": date(2001, 11, 20),
        "id_number": "040301004321",
    },
)


@transaction.atomic
def demo_seed(*, password: str) -> list[User]:
    """Create or refresh the demo accounts; running it again changes only what drifted."""
    accounts = []
    admin = User.objects.filter(username="admin").first() or User(username="admin")
    admin.full_name, admin.role, admin.is_superuser = "Quản trị hệ thống", Role.ADMIN, True
    admin.email = "admin@example.invalid"
    accounts.append(admin)
    for spec in DEMO_STAFF:
        user = User.objects.filter(username=spec["username"]).first() or User(username=spec["username"])
        for key, value in spec.items():
            setattr(user, key, value)
        user.email = f"{spec['username']}@example.invalid"
        accounts.append(user)
    for spec in DEMO_CITIZENS:
        user = User.objects.filter(username=spec["username"]).first() or User(username=spec["username"])
        for key, value in spec.items():
            setattr(user, key, value)
        user.role = Role.CITIZEN
        accounts.append(user)
    for user in accounts:
        if not user.pk or not user.check_password(password):
            user.set_password(password)
        user.save()
    return accounts
