"""Page numbers that are not page numbers are a client error with a field message, not page one."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .text import ascii_digits


class StrictPageNumberPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (ascii_digits(raw) and int(raw) >= 1):
            raise ValidationError({self.page_query_param: ["Số trang phải là số nguyên dương (1, 2, …)."]})
        return super().paginate_queryset(queryset, request, view)
