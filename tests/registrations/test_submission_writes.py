"""A submission writes only the bundle's columns it changed: whatever it changed must be what the
database then holds, column for column."""

import pytest

from registrations import services
from registrations.models import Bundle

from .helpers import death_declaration
from .states import Cast, draft

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize("group", ["birth", "death"])
def test_every_column_a_submission_sets_is_stored(group):
    cast = Cast()
    bundle = draft(cast, death_declaration() if group == "death" else None)
    submitted = services.bundle_submit(bundle=bundle, actor=cast.citizen)
    stored = Bundle.objects.get(pk=bundle.pk)
    for field in Bundle._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(submitted, field.attname), field.name
    assert stored.state == "submitted" and stored.code and stored.due_at and stored.catalogue_version_id
