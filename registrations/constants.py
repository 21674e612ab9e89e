from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from portal.accounts.constants import Sex  # noqa: F401 - one definition for every person on the portal


class CertificateKind(models.TextChoices):
    BIRTH = "birth", _("Giấy chứng sinh")
    DEATH = "death", _("Giấy báo tử")


class Origin(models.TextChoices):
    """Who started a bundle."""

    CITIZEN = "citizen", _("Công dân tự nộp")
    PROACTIVE = "proactive", _("Khởi tạo từ giấy chứng sinh điện tử")
    COUNTER = "counter", _("Nộp tại bộ phận một cửa")
    NATIONAL_PORTAL = "national_portal", _("Nộp trên Cổng Dịch vụ công quốc gia")


class CertificateStatus(models.TextChoices):
    """How the certificate number a family declared compares with what the facility sent."""

    ABSENT = "", _("Không khai số giấy")
    VERIFIED = "verified", _("Đã xác minh với giấy điện tử")
    MISMATCH = "mismatch", _("Không khớp giấy điện tử")
    NOT_RECEIVED = "not_received", _("Chưa nhận giấy điện tử")


class Group(models.TextChoices):
    BIRTH = "birth", _("Nhóm thủ tục khai sinh")
    DEATH = "death", _("Nhóm thủ tục khai tử")


class Agency(models.TextChoices):
    CIVIL_STATUS = "civil_status", _("UBND cấp xã (hộ tịch)")
    POLICE = "police", _("Công an")
    SOCIAL_INSURANCE = "social_insurance", _("Bảo hiểm xã hội")
    # The welfare role; the body that plays it changes by date (AgencyName).
    LABOUR = "labour", _("Cơ quan giải quyết chế độ bảo trợ xã hội, người có công")


class BundleState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp")
    IN_REVIEW = "in_review", _("Đang xem xét")
    AWAITING_CITIZEN = "awaiting_citizen", _("Chờ công dân bổ sung")
    REGISTERED = "registered", _("Đã đăng ký")
    SIGNED = "signed", _("Đã ký trích lục")
    COMPLETED = "completed", _("Hoàn thành")
    PARTIALLY_COMPLETED = "partially_completed", _("Hoàn thành một phần")
    REJECTED = "rejected", _("Bị từ chối")
    WITHDRAWN = "withdrawn", _("Đã rút")


OPEN_STATES = (BundleState.DRAFT, BundleState.SUBMITTED, BundleState.IN_REVIEW, BundleState.AWAITING_CITIZEN)
# Bundles in these states count for duplicate and uniqueness rules.
LIVE_STATES = tuple(s for s in BundleState.values if s not in (BundleState.REJECTED, BundleState.WITHDRAWN))
# Submitted and not yet finished: the work in progress of wards and agencies (drafts are the citizen's).
IN_PROGRESS_STATES = (
    BundleState.SUBMITTED,
    BundleState.IN_REVIEW,
    BundleState.AWAITING_CITIZEN,
    BundleState.REGISTERED,
    BundleState.SIGNED,
)
REGISTERED_STATES = (
    BundleState.REGISTERED,
    BundleState.SIGNED,
    BundleState.COMPLETED,
    BundleState.PARTIALLY_COMPLETED,
)


class StepState(models.TextChoices):
    WAITING = "waiting", _("Chờ bước trước")
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    ACCEPTED = "accepted", _("Cơ quan đã tiếp nhận")
    DONE = "done", _("Hoàn thành")
    REJECTED = "rejected", _("Cơ quan từ chối")
    DEAD = "dead", _("Gửi thất bại")


# Sent and not finished: the only steps an agency's report (answer, callback, reconciliation) may move.
IN_FLIGHT_STEP_STATES = (StepState.SENDING, StepState.ACCEPTED)
# Steps that move only when someone else acts: accepted (the agency's callback), rejected or dead (a
# person must fix and replay).
STEP_OUTSTANDING_STATES = (StepState.ACCEPTED, StepState.DEAD, StepState.REJECTED)


class PersonRole(models.TextChoices):
    REQUESTER = "requester", _("Người yêu cầu")
    CHILD = "child", _("Trẻ được khai sinh")
    MOTHER = "mother", _("Mẹ")
    FATHER = "father", _("Cha")
    DECEASED = "deceased", _("Người chết")
    BENEFICIARY = "beneficiary", _("Người nhận trợ cấp")
    SURVIVOR = "survivor", _("Thân nhân hưởng tuất")


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mẹ")
    FATHER = "father", _("Cha")
    GUARDIAN = "guardian", _("Người giám hộ")
    GRANDPARENT = "grandparent", _("Ông, bà")
    SIBLING = "sibling", _("Anh, chị, em")
    SPOUSE = "spouse", _("Vợ, chồng")
    CHILD = "child", _("Con")
    OTHER_RELATIVE = "other_relative", _("Người thân khác")
    CAREGIVER = "caregiver", _("Người đang nuôi dưỡng trẻ")


class RegistrationPlace(models.TextChoices):
    """Where a group is registered, as the catalogue version in force says."""

    RESIDENCE = "residence", _("Nơi cư trú")
    ANYWHERE = "anywhere", _("Không phụ thuộc nơi cư trú")


class Regime(models.TextChoices):
    SOCIAL_INSURANCE = "social_insurance", _("Người tham gia, hưởng bảo hiểm xã hội")
    SOCIAL_PROTECTION = "social_protection", _("Đối tượng bảo trợ xã hội")
    MERITORIOUS = "meritorious", _("Người có công với cách mạng")


class BenefitBase(models.TextChoices):
    # Called "mức lương cơ sở" until the Social Insurance Law 2024 named it "mức tham chiếu".
    REFERENCE_LEVEL = "reference_level", _("Mức tham chiếu (mức lương cơ sở)")
    SOCIAL_ASSISTANCE_STANDARD = "social_assistance_standard", _("Mức chuẩn trợ giúp xã hội")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Nhận tại cơ quan công an")
    POST = "post", _("Gửi qua bưu chính")


class PreferredForm(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    LUMP_SUM = "lump_sum", _("Một lần")


class AttachmentKind(models.TextChoices):
    MEDICAL_BIRTH_CERTIFICATE = "medical_birth_certificate", _("Giấy chứng sinh")
    DEATH_NOTICE = "death_notice", _("Giấy báo tử")
    OWNER_CONSENT = "owner_consent", _("Văn bản đồng ý của chủ hộ, chủ sở hữu chỗ ở")
    RELATIONSHIP_PROOF = "relationship_proof", _("Giấy tờ chứng minh quan hệ")
    # Law on Civil Status 2014, Art. 16: without a medical birth certificate, a witness's statement of
    # the birth, or without a witness a written commitment about it.
    WITNESS_STATEMENT = "witness_statement", _("Văn bản của người làm chứng xác nhận việc sinh")
    BIRTH_COMMITMENT = "birth_commitment", _("Giấy cam đoan về việc sinh")
    OTHER = "other", _("Giấy tờ khác")


class Book(models.TextChoices):
    BIRTH = "birth", "Sổ đăng ký khai sinh"
    DEATH = "death", "Sổ đăng ký khai tử"


class CorrectionState(models.TextChoices):
    REQUESTED = "requested", "Chờ quyết định"
    APPROVED = "approved", "Đã chấp thuận"
    REFUSED = "refused", "Bị từ chối"


# Steps the clerk does inside the portal; every other step is delivered to an agency.
INTERNAL_PROCEDURES = ("birth_registration", "death_registration")
REGISTRATION_PROCEDURE = {Group.BIRTH: "birth_registration", Group.DEATH: "death_registration"}
# A pseudo-dependency: the step waits until the extract is signed.
SIGNED_EXTRACT = "signed_extract"

ETHNICITIES = {
    "01": "Kinh",
    "02": "Tày",
    "03": "Thái",
    "04": "Hoa",
    "05": "Khơ-me",
    "06": "Mường",
    "07": "Nùng",
    "08": "HMông",
    "09": "Dao",
    "10": "Gia-rai",
    "11": "Ngái",
    "12": "Ê-đê",
    "13": "Ba-na",
    "14": "Xơ-đăng",
    "15": "Sán Chay",
    "16": "Cơ-ho",
    "17": "Chăm",
    "18": "Sán Dìu",
    "19": "Hrê",
    "20": "Mnông",
    "21": "Ra-glai",
    "22": "Xtiêng",
    "23": "Bru-Vân Kiều",
    "24": "Thổ",
    "25": "Giáy",
    "26": "Cơ-tu",
    "27": "Gié-Triêng",
    "28": "Mạ",
    "29": "Khơ-mú",
    "30": "Co",
    "31": "Tà-ôi",
    "32": "Chơ-ro",
    "33": "Kháng",
    "34": "Xinh-mun",
    "35": "Hà Nhì",
    "36": "Chu-ru",
    "37": "Lào",
    "38": "La Chí",
    "39": "La Ha",
    "40": "Phù Lá",
    "41": "La Hủ",
    "42": "Lự",
    "43": "Lô Lô",
    "44": "Chứt",
    "45": "Mảng",
    "46": "Pà Thẻn",
    "47": "Cờ Lao",  # as the statistics office lists it (Decision 121-TCTK/PPCĐ, 1979; 1019/QĐ-TCTK, 2008)
    "48": "Cống",
    "49": "Bố Y",
    "50": "Si La",
    "51": "Pu Péo",
    "52": "Brâu",
    "53": "Ơ Đu",
    "54": "Rơ-măm",
    "55": "Người nước ngoài",
}
ETHNICITY_CHOICES = sorted(ETHNICITIES.items())

# Nationalities the forms offer, by ISO code: the extract prints the Vietnamese, the pages translate it.
COUNTRIES = {
    "VN": gettext_noop("Việt Nam"),
    "LA": gettext_noop("Lào"),
    "KH": gettext_noop("Campuchia"),
    "CN": gettext_noop("Trung Quốc"),
}
