"""A size cap on every uploaded file, enforced while it streams in (before memory or disk fill up).

Django caps the non-file part of a request (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files:
FILE_UPLOAD_MAX_MEMORY_SIZE only decides when a file moves from memory to a temporary file. This
handler, first in FILE_UPLOAD_HANDLERS, refuses the whole request as soon as one file passes
FILE_UPLOAD_MAX_BYTES (a 400, as Django answers a body over its own limit). Views keep their own,
smaller and better-worded limits (the attendance import's 5 MB); this is the ceiling for all of them,
the admin's image fields included.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

FILE_TOO_LARGE = "An uploaded file is larger than the service accepts ({limit} bytes)."


class SizeCappedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive; over the cap, the request is refused."""

    @property
    def limit(self) -> int:
        return settings.FILE_UPLOAD_MAX_BYTES

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A body larger than one capped file plus the form's own fields cannot be valid: refuse unread.
        if content_length and content_length > self.limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig(FILE_TOO_LARGE.format(limit=self.limit))

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestDataTooBig(FILE_TOO_LARGE.format(limit=self.limit))
        return raw_data

    def file_complete(self, file_size):
        return None
