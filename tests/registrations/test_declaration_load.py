"""A bundle read with its declaration (as every service reads it under its lock) answers the whole
declaration, its attachments and its people with no further query."""

import pytest

from registrations import selectors
from registrations.declaration import declaration_of
from registrations.models import Bundle

from .helpers import death_declaration
from .states import Cast, build

pytestmark = pytest.mark.usefixtures("divisions")


@pytest.mark.parametrize("group", ["birth", "death"])
def test_the_declaration_is_read_in_three_queries_and_no_more(group, django_assert_num_queries):
    cast = Cast()
    built = build("awaiting_citizen", cast, death_declaration() if group == "death" else None)
    with django_assert_num_queries(3):
        bundle = selectors.with_declaration(Bundle.objects.all()).get(pk=built.pk)
    with django_assert_num_queries(0):
        declaration = declaration_of(bundle)
        kinds = [a.kind for a in bundle.attachments.all()]
        people = [(p.role, p.bundle.pk) for p in bundle.people.all()]
        other = "death" if group == "birth" else "birth"
        assert not hasattr(bundle, other)
    assert declaration == declaration_of(Bundle.objects.get(pk=built.pk))
    assert kinds and people
    assert {role for role, _ in people} >= {"requester"}
    assert {pk for _, pk in people} == {built.pk}
