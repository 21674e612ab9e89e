from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    WARD_CLERK = "ward_clerk", _("Công chức một cửa, hộ tịch cấp xã")
    WARD_LEADER = "ward_leader", _("Lãnh đạo UBND cấp xã")
    PROVINCE_STAFF = "province_staff", _("Cán bộ Sở Tư pháp")
    AGENCY_CLIENT = "agency_client", _("Hệ thống cơ quan liên thông")
    HOSPITAL_CLIENT = "hospital_client", _("Cơ sở khám, chữa bệnh")
    ADMIN = "admin", _("Quản trị hệ thống")


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


# A ward's staff belong to one ward; provincial staff to one province; nobody else to a jurisdiction.
WARD_ROLES = frozenset({Role.WARD_CLERK, Role.WARD_LEADER})
PROVINCE_ROLES = frozenset({Role.PROVINCE_STAFF})
# Roles that work in the back office (and may open the Django admin for their jurisdiction).
BACK_OFFICE_ROLES = WARD_ROLES | PROVINCE_ROLES | {Role.ADMIN}
# Roles that must confirm a sign-in with a one-time code (TOTP): they sign extracts, see a whole
# province, or administer the portal. Clerks may turn it on for themselves.
SECOND_FACTOR_ROLES = frozenset({Role.WARD_LEADER, Role.PROVINCE_STAFF, Role.ADMIN})
