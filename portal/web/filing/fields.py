"""The citizen's filing form: one topic per page, in the order of DOMAIN.md §4, each field named by its
declaration path ("mother.id_number"). The same paths are used by the completeness rules and by the
clerk's supplement requests, so an error or a request always lands next to the field it is about."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.common.text import Vietnamese
from registrations.constants import (
    ETHNICITY_CHOICES,
    AttachmentKind,
    DeliveryMethod,
    Group,
    PreferredForm,
    Regime,
    Relationship,
    Sex,
)
from registrations.rules import REQUESTER_RELATIONSHIPS

from ..labels import FIELD_LABELS

# How a posted string becomes a value: text/date/time/select/ward keep the string ("" → not given);
# "flag" is a checkbox that means yes or no; "consent" only ever means yes (unticked → not given);
# "yesno" is a pair of radio buttons where not answering differs from answering no.
KINDS = {"text", "tel", "email", "date", "time", "select", "radio", "ward", "flag", "consent", "yesno"}
SURVIVOR_ROWS = 3
# Dates and times are typed as text (a browser's own date input follows its locale: mm/dd/yyyy and
# AM/PM on an English one), so every browser reads and writes them the Vietnamese way.
TYPED_FORMS = {
    "date": _("Ngày/tháng/năm, ví dụ 22/11/2026."),
    "time": _("Giờ:phút theo 24 giờ, ví dụ 14:30."),
}


@dataclass(frozen=True)
class Field:
    path: str
    kind: str = "text"
    label: str = ""
    choices: tuple = ()
    help: str = ""
    max_length: int | None = None
    autocomplete: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.path}")

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def shown_label(self) -> str:
        return str(self.label or gettext(FIELD_LABELS.get(self.name, self.name)))

    @property
    def hint(self) -> str:
        """The help under the label; dates and times say how to type them, whatever the browser's locale."""
        return str(self.help or TYPED_FORMS.get(self.kind, ""))

    @property
    def html_id(self) -> str:
        return "f-" + self.path.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    intro: str = ""
    fields: tuple[Field, ...] = ()
    # Shown only when one of these procedures is chosen (empty: always shown).
    when_procedures: tuple[str, ...] = ()
    # Values fixed by the page itself (the mother is female): not typed, always sent.
    fixed: dict = field(default_factory=dict)
    # A section that may be left out entirely (the father): all blank means "not declared".
    optional_section: str = ""


SEX = tuple(Sex.choices)
# The groups' own names stay Vietnamese on an English page; "foreign national" is a category, translated.
ETHNICITY = tuple(
    (code, _("Người nước ngoài") if code == "55" else Vietnamese(name)) for code, name in ETHNICITY_CHOICES
)
NATIONALITY_HELP = _("Mã quốc gia hai chữ cái; người Việt Nam ghi VN.")
ID_HELP = _("12 chữ số, in trên thẻ căn cước hoặc trong ứng dụng VNeID.")
WARD_HELP = _("Gõ vài chữ của tên xã, phường rồi chọn trong danh sách.")


def _person(prefix: str, *, with_sex: bool = True, with_id: bool = True, with_residence: bool = True):
    fields = [Field(f"{prefix}.full_name", max_length=100, autocomplete="off")]
    fields.append(Field(f"{prefix}.date_of_birth", "date"))
    if with_sex:
        fields.append(Field(f"{prefix}.sex", "radio", choices=SEX))
    if with_id:
        fields.append(Field(f"{prefix}.id_number", help=ID_HELP, max_length=12))
    fields.append(Field(f"{prefix}.ethnicity", "select", choices=ETHNICITY))
    fields.append(Field(f"{prefix}.nationality", help=NATIONALITY_HELP, max_length=2))
    if with_residence:
        fields.append(Field(f"{prefix}.residence_address", max_length=300))
        fields.append(Field(f"{prefix}.ward_code", "ward", label=_("Xã, phường nơi cư trú"), help=WARD_HELP))
    return tuple(fields)


PROCEDURES_PAGE = Page(
    "thu-tuc",
    _("Thủ tục và nơi đăng ký"),
    fields=(Field("registration_ward", "ward", label=_("UBND xã, phường đăng ký"), help=WARD_HELP),),
)


def _requester_page(group: str) -> Page:
    allowed = REQUESTER_RELATIONSHIPS[group]
    return Page(
        "nguoi-yeu-cau",
        _("Người yêu cầu"),
        _("Họ tên, ngày sinh và số định danh lấy từ tài khoản định danh điện tử và không sửa được."),
        fields=(
            Field(
                "requester.relationship",
                "select",
                label=_("Quan hệ với người được đăng ký"),
                choices=tuple(c for c in Relationship.choices if c[0] in allowed),
            ),
            Field("requester.phone", "tel", max_length=20, autocomplete="tel"),
            Field("requester.email", "email", max_length=254, autocomplete="email"),
        ),
    )


BIRTH_PAGES = (
    PROCEDURES_PAGE,
    _requester_page(Group.BIRTH),
    Page(
        "tre",
        _("Trẻ được khai sinh"),
        fields=(
            Field("child.full_name", max_length=100, autocomplete="off"),
            Field("child.sex", "radio", choices=SEX),
            Field("child.date_of_birth", "date"),
            Field("birth.time_of_birth", "time"),
            Field("child.ethnicity", "select", choices=ETHNICITY),
            Field("child.nationality", help=NATIONALITY_HELP, max_length=2),
            Field("birth.place_of_birth_facility", label=_("Nơi sinh (cơ sở y tế)"), max_length=200),
            Field("birth.place_of_birth_ward", "ward", help=WARD_HELP),
            Field("birth.hometown", max_length=200),
            Field(
                "birth.medical_birth_certificate_number",
                help=_("In trên giấy chứng sinh do cơ sở y tế cấp."),
                max_length=30,
            ),
        ),
    ),
    Page("me", _("Mẹ của trẻ"), fields=_person("mother", with_sex=False), fixed={"mother.sex": "female"}),
    Page(
        "cha",
        _("Cha của trẻ"),
        _("Không bắt buộc. Để trống cả trang nếu không khai thông tin người cha."),
        fields=_person("father", with_sex=False),
        fixed={"father.sex": "male"},
        optional_section="father",
    ),
    Page(
        "thuong-tru",
        _("Đăng ký thường trú cho trẻ"),
        fields=(
            Field("residence.address", max_length=300),
            Field("residence.ward_code", "ward", label=_("Xã, phường"), help=WARD_HELP),
            Field("residence.household_head_full_name", max_length=100),
            Field("residence.household_head_id_number", help=ID_HELP, max_length=12),
            Field("residence.relationship_to_head", label=_("Quan hệ của trẻ với chủ hộ"), max_length=50),
            Field(
                "residence.owner_consent",
                "consent",
                label=_("Chủ hộ, chủ sở hữu chỗ ở đồng ý cho trẻ đăng ký thường trú"),
            ),
            Field(
                "residence.collective_household",
                "flag",
                label=_("Chỗ ở là hộ tập thể (ký túc xá, doanh trại…)"),
            ),
        ),
        when_procedures=("permanent_residence",),
    ),
    Page(
        "bhyt",
        _("Thẻ bảo hiểm y tế cho trẻ"),
        _("Miễn phí cho trẻ dưới 6 tuổi; liên thông chỉ cấp thẻ lần đầu."),
        fields=(
            Field("health_insurance.primary_care_facility", max_length=200),
            Field("health_insurance.first_card", "yesno", label=_("Đây là lần đầu cấp thẻ cho trẻ")),
        ),
        when_procedures=("health_insurance",),
    ),
    Page(
        "can-cuoc",
        _("Thẻ căn cước cho trẻ"),
        _("Trẻ dưới 6 tuổi không phải chụp ảnh, lấy vân tay; thẻ cấp từ Cơ sở dữ liệu quốc gia về dân cư."),
        fields=(
            Field("child_id_card.delivery_method", "radio", choices=tuple(DeliveryMethod.choices)),
            Field(
                "child_id_card.delivery_address", max_length=300, help=_("Chỉ khi chọn gửi qua bưu chính.")
            ),
        ),
        when_procedures=("child_id_card",),
    ),
)


def _survivor_fields() -> tuple[Field, ...]:
    fields: list[Field] = []
    for index in range(SURVIVOR_ROWS):
        prefix = f"funeral_allowance.survivor_benefit.survivors.{index}"
        fields += [
            Field(f"{prefix}.full_name", max_length=100),
            Field(f"{prefix}.date_of_birth", "date"),
            Field(f"{prefix}.id_number", help=ID_HELP, max_length=12),
            Field(f"{prefix}.relationship", "select", choices=tuple(Relationship.choices)),
        ]
    return tuple(fields)


DEATH_PAGES = (
    PROCEDURES_PAGE,
    _requester_page(Group.DEATH),
    Page(
        "nguoi-mat",
        _("Người đã mất"),
        fields=(
            *_person("deceased", with_residence=False),
            Field("death.last_residence_address", max_length=300),
            Field("death.ward_code", "ward", label=_("Xã, phường nơi cư trú cuối cùng"), help=WARD_HELP),
            Field("death.date_of_death", "date"),
            Field("death.time_of_death", "time"),
            Field("death.place_of_death", max_length=300),
            Field(
                "death.place_of_death_ward",
                "ward",
                label=_("Xã, phường nơi chết"),
                help=_(
                    "Khi không xác định được nơi cư trú cuối cùng, khai tử đăng ký tại nơi người đó chết."
                ),
            ),
            Field("death.cause_of_death", max_length=300),
        ),
    ),
    Page(
        "giay-bao-tu",
        _("Giấy báo tử"),
        _("Do bệnh viện, cơ sở y tế hoặc cơ quan có thẩm quyền cấp."),
        fields=(
            Field("death.death_notice_number", max_length=30),
            Field("death.death_notice_issuer", max_length=200),
            Field("death.death_notice_date", "date"),
        ),
    ),
    Page(
        "mai-tang",
        _("Mai táng phí, hỗ trợ chi phí mai táng"),
        _("Người tham gia, hưởng bảo hiểm xã hội: mai táng phí bằng 10 lần mức lương cơ sở."),
        fields=(
            Field("funeral_allowance.regime", "radio", choices=tuple(Regime.choices)),
            Field("funeral_allowance.beneficiary.full_name", label=_("Họ tên người nhận"), max_length=100),
            Field("funeral_allowance.beneficiary.date_of_birth", "date", label=_("Ngày sinh người nhận")),
            Field(
                "funeral_allowance.beneficiary.id_number",
                label=_("Số định danh người nhận"),
                help=ID_HELP,
                max_length=12,
            ),
            Field(
                "funeral_allowance.beneficiary.relationship",
                "select",
                label=_("Quan hệ với người đã mất"),
                choices=tuple(Relationship.choices),
            ),
            Field(
                "funeral_allowance.bank_account.bank_code",
                label=_("Mã ngân hàng"),
                help=_("Ví dụ: VCB, BIDV, AGRIBANK."),
                max_length=20,
            ),
            Field("funeral_allowance.bank_account.account_number", max_length=20),
            Field("funeral_allowance.bank_account.account_holder", max_length=100),
        ),
        when_procedures=("funeral_allowance",),
    ),
    Page(
        "tro-cap-tuat",
        _("Trợ cấp tuất"),
        _(
            "Chỉ giải quyết liên thông khi người mất tham gia, hưởng bảo hiểm xã hội. "
            "Kê khai tối đa 3 thân nhân; dòng để trống được bỏ qua."
        ),
        fields=(
            Field(
                "funeral_allowance.survivor_benefit.requested",
                "flag",
                label=_("Đề nghị giải quyết trợ cấp tuất"),
            ),
            Field(
                "funeral_allowance.survivor_benefit.preferred_form",
                "radio",
                choices=tuple(PreferredForm.choices),
            ),
            *_survivor_fields(),
        ),
        when_procedures=("funeral_allowance",),
    ),
)
PAGES = {Group.BIRTH: BIRTH_PAGES, Group.DEATH: DEATH_PAGES}
ATTACHMENTS_SLUG = "giay-to"
ATTACHMENT_KINDS = {
    Group.BIRTH: (
        AttachmentKind.MEDICAL_BIRTH_CERTIFICATE,
        AttachmentKind.WITNESS_STATEMENT,
        AttachmentKind.BIRTH_COMMITMENT,
        AttachmentKind.OWNER_CONSENT,
        AttachmentKind.RELATIONSHIP_PROOF,
        AttachmentKind.OTHER,
    ),
    Group.DEATH: (AttachmentKind.DEATH_NOTICE, AttachmentKind.RELATIONSHIP_PROOF, AttachmentKind.OTHER),
}


def pages_for(group: str, procedures: list[str]) -> list[Page]:
    chosen = set(procedures or ())
    return [p for p in PAGES[group] if not p.when_procedures or chosen & set(p.when_procedures)]


def page_by_slug(group: str, slug: str) -> Page | None:
    return next((p for p in PAGES[group] if p.slug == slug), None)


def page_of_path(group: str, path: str) -> Page | None:
    """The page holding a field (or, for a section path like "mother", its first field)."""
    for page in PAGES[group]:
        if any(f.path == path or f.path.startswith(path + ".") for f in page.fields):
            return page
    return None


def fields_under(group: str, paths: set[str]) -> list[Field]:
    """Every form field a supplement request opens: a path names one field or a whole section."""
    out = []
    for page in PAGES[group]:
        for f in page.fields:
            if any(f.path == p or f.path.startswith(p + ".") for p in paths):
                out.append(f)
    return out
