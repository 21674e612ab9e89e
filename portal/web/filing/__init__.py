"""Filing a bundle from a phone: privacy notice and procedures, one topic per page with the draft saved
as the citizen types, attachments uploaded one by one, a review of what each agency will receive, then
the receipt. Answering a supplement request reuses the same fields, opening only those requested."""

from .attachments import attachments, remove_attachment, upload
from .pages import page, start
from .review import receipt, review, supplement

__all__ = [
    "attachments",
    "page",
    "receipt",
    "remove_attachment",
    "review",
    "start",
    "supplement",
    "upload",
]
