"""Uploads stop at the size limit while they stream in, whatever the request claims."""

from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import exceptions, status


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Tệp vượt quá dung lượng cho phép (tối đa 10 MB)."
    default_code = "too_large"


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each file as they arrive and aborts the request past ``limit``; the
    handlers after it (memory or temporary file) never receive more than the limit."""

    def __init__(self, limit: int, request=None):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise PayloadTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None
