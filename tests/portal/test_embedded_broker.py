"""The embedded broker never hands a worker a half-written message (kombu's filesystem transport
writes in place, and its reader takes the file without the writer's lock)."""

from queue import Empty

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

from portal.common import broker


@pytest.fixture
def channel(tmp_path):
    folder = str(tmp_path)
    options = {"data_folder_in": folder, "data_folder_out": folder, "processed_folder": folder}
    with Connection("filesystem://", transport=broker.Transport, transport_options=options) as connection:
        yield connection.default_channel


def test_a_reader_mid_write_finds_nothing_and_then_the_whole_message(channel, monkeypatch):
    seen_mid_write = []
    real_dumps = broker.dumps

    def dumps_while_a_worker_looks(payload):
        try:
            seen_mid_write.append(channel._get("celery"))
        except Empty:
            seen_mid_write.append(None)
        return real_dumps(payload)

    monkeypatch.setattr(broker, "dumps", dumps_while_a_worker_looks)
    channel._put("celery", {"body": "x" * 10_000})
    assert seen_mid_write == [None]
    assert channel._get("celery") == {"body": "x" * 10_000}


def test_a_message_that_cannot_be_written_is_refused_not_left_behind(channel, tmp_path, monkeypatch):
    monkeypatch.setattr(broker.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(ChannelError):
        channel._put("celery", {"body": "y"})
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".msg")]


def test_the_embedded_default_uses_it(settings):
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL) as connection:
        assert isinstance(connection.transport, broker.Transport) == settings.CELERY_BROKER_URL.startswith(
            "filesystem://"
        )
