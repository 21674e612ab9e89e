"""The only way to change a bundle or a step. Each public function is one transaction, takes keyword
arguments, checks who may act, applies the rules, writes the audit trail and announces what happened.
One module per feature; every public function is importable from here."""

from .actions import CASE_ACTIONS, bundle_act
from .attachments import (
    attachment_add,
    attachment_removable,
    attachment_remove,
    attachments_purge,
    attachments_removable_after,
    sniff_content_type,
)
from .corrections import correction_decide, correction_request
from .drafts import (
    bundle_create_draft,
    bundle_fill_from_certificate,
    bundle_start,
    bundle_start_at_counter,
    bundle_update_draft,
)
from .guards import allowed_actions, bundle_check_may
from .intake import bundle_receive
from .outbox import (
    step_mark_accepted,
    step_mark_dead,
    step_record_rejection,
    step_record_result,
    step_replay,
    step_resend,
    step_schedule_retry,
    steps_claim_due,
)
from .personal_data import personal_data_searched, personal_data_viewed
from .proactive import proactive_birth_draft, proactive_death_notice
from .registration import (
    bundle_close_partially,
    bundle_issue_without_personal_id,
    bundle_register,
    bundle_sign,
    extract_is_complete,
)
from .review import bundle_accept, bundle_reject, bundle_request_supplement, bundle_resubmit, bundle_withdraw
from .submission import bundle_submission_errors, bundle_submit
from .supplements import supplements_process_due

__all__ = [
    "CASE_ACTIONS",
    "bundle_act",
    "bundle_fill_from_certificate",
    "bundle_receive",
    "bundle_start",
    "allowed_actions",
    "attachment_add",
    "attachment_removable",
    "attachment_remove",
    "attachments_purge",
    "attachments_removable_after",
    "bundle_accept",
    "bundle_check_may",
    "bundle_close_partially",
    "bundle_create_draft",
    "bundle_issue_without_personal_id",
    "bundle_register",
    "bundle_reject",
    "bundle_request_supplement",
    "bundle_resubmit",
    "bundle_sign",
    "bundle_start_at_counter",
    "bundle_submission_errors",
    "bundle_submit",
    "bundle_update_draft",
    "bundle_withdraw",
    "correction_decide",
    "correction_request",
    "extract_is_complete",
    "personal_data_searched",
    "personal_data_viewed",
    "proactive_birth_draft",
    "proactive_death_notice",
    "sniff_content_type",
    "step_mark_accepted",
    "step_mark_dead",
    "step_record_rejection",
    "step_record_result",
    "step_replay",
    "step_resend",
    "step_schedule_retry",
    "steps_claim_due",
    "supplements_process_due",
]
