"""A bundle read under its lock gets its declaration rows loaded by three plain reads; what it then
shows must be what the ORM's select_related and prefetch_related would have given, with no further
query behind the declaration."""

import pytest

from registrations import selectors
from registrations.declaration import declaration_of
from registrations.models import Bundle

from .helpers import death_declaration
from .states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


def through_the_orm(bundle: Bundle) -> Bundle:
    return (
        Bundle.objects.select_related("birth", "death")
        .prefetch_related("people", "attachments")
        .get(pk=bundle.pk)
    )


@pytest.mark.parametrize("group", ["birth", "death"])
def test_the_loaded_declaration_is_the_orms_and_needs_no_more_queries(group, django_assert_num_queries):
    cast = Cast()
    built = build("awaiting_citizen", cast, death_declaration() if group == "death" else None)
    bundle = Bundle.objects.get(pk=built.pk)
    with django_assert_num_queries(3):
        selectors.declaration_load(bundle)
    with django_assert_num_queries(0):
        declaration = declaration_of(bundle)
        kinds = [a.kind for a in bundle.attachments.all()]
        people = [(p.role, p.bundle.pk) for p in bundle.people.all()]
        other = "death" if group == "birth" else "birth"
        assert not hasattr(bundle, other)
    expected = through_the_orm(bundle)
    assert declaration == declaration_of(expected)
    assert kinds == [a.kind for a in expected.attachments.all()] and kinds
    assert people == [(p.role, p.bundle_id) for p in expected.people.all()]
    # Filtering the loaded relations still asks the database, as after a prefetch.
    assert bundle.people.filter(role="requester").count() == 1
