"""One adapter per agency behind a common base and a registry (as Open Forms does for its
registration backends). An adapter knows where its agency answers, the secrets it signs with and how a
step's delivery is wrapped for it; sending, signing and logging are shared."""

from __future__ import annotations

from django.conf import settings

from registrations.delivery import Delivery


class AgencyAdapter:
    agency: str = ""
    procedures: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        return settings.AGENCIES[self.agency]["base_url"].rstrip("/")

    @property
    def secrets(self) -> list[str]:
        return settings.AGENCIES[self.agency]["secrets"]

    def envelope(self, delivery: Delivery) -> dict:
        """The contract's request body: the same for every agency, mocks included."""
        return {
            "procedure": delivery.procedure,
            "schema_version": delivery.schema_version,
            "bundle_code": delivery.bundle_code,
            "callback_url": f"{settings.SITE_URL}/api/v1/interconnect/callbacks/{self.agency}/",
            "payload": delivery.payload,
        }


class PoliceAdapter(AgencyAdapter):
    agency = "police"
    procedures = ("personal_id", "permanent_residence", "child_id_card", "residence_removal")


class SocialInsuranceAdapter(AgencyAdapter):
    agency = "social_insurance"
    procedures = ("health_insurance", "funeral_allowance")


class WelfareAdapter(AgencyAdapter):
    """The welfare body in force (contract code ``labour``) settles funeral-cost support for
    social-protection beneficiaries and people with meritorious services."""

    agency = "labour"
    procedures = ("funeral_allowance",)


REGISTRY: dict[str, AgencyAdapter] = {
    a.agency: a for a in (PoliceAdapter(), SocialInsuranceAdapter(), WelfareAdapter())
}


def adapter_for(agency: str) -> AgencyAdapter:
    return REGISTRY[agency]
