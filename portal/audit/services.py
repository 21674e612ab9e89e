"""Appending to, sealing and verifying the audit trail. The only way to write an audit row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from . import context
from .models import GENESIS_HASH, AuditEvent, AuditSeal, AuditStream


def _event_hash(
    *,
    stream: str,
    seq: int,
    prev_hash: str,
    occurred_at: datetime,
    action: str,
    actor_id,
    actor_label: str,
    object_type: str,
    object_id: str,
    data: dict,
    request_id: str,
    ip_address,
) -> str:
    canonical = json.dumps(
        {
            "stream": stream,
            "seq": seq,
            "prev": prev_hash,
            "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": action,
            "actor_id": actor_id,
            "actor": actor_label,
            "type": object_type,
            "id": object_id,
            "data": data,
            "request": request_id,
            "ip": ip_address,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return _event_hash(
        stream=event.stream,
        seq=event.seq,
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        action=event.action,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        request_id=event.request_id,
        ip_address=event.ip_address,
    )


def _advance_stream(stream: str) -> tuple[int, str]:
    """Take the stream's next sequence number and the hash to chain to. The head row stays locked
    until the transaction ends, so appends to one stream serialise and different streams never wait
    on each other."""
    return AuditStream.objects.advance(
        counter="last_seq",
        key={"key": stream},
        defaults={"last_hash": GENESIS_HASH},
        returning=("last_hash",),
    )


def audit_record(
    *,
    stream: str,
    action: str,
    actor=None,
    object_type: str = "",
    object_id: str | int = "",
    data: dict | None = None,
) -> None:
    """Append one event to ``stream``. Joins the caller's transaction, so an event exists exactly
    when the change it records was committed."""
    ctx = context.current()
    actor = actor if actor is not None else ctx.actor
    # Round-trip through JSON so the hash is computed over exactly what the database will return.
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _advance_stream(stream)
        fields = {
            "stream": stream,
            "seq": seq,
            "prev_hash": prev_hash,
            "occurred_at": timezone.now(),
            "action": action,
            "actor_id": getattr(actor, "pk", None),
            "actor_label": getattr(actor, "username", "") or "",
            "object_type": object_type,
            "object_id": str(object_id),
            "data": data,
            "request_id": ctx.request_id,
            "ip_address": ctx.ip_address,
        }
        event_hash = _event_hash(**fields)
        _append(fields={**fields, "hash": event_hash}, stream=stream)


def _append(*, fields: dict, stream: str) -> None:
    """Insert the event and move the stream's head to it."""
    AuditEvent.objects.create(**fields)
    AuditStream.objects.filter(key=stream).update(last_hash=fields["hash"])


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _day_digest(day: date) -> tuple[int, str]:
    start, end = _day_bounds(day)
    digest, count = hashlib.sha256(), 0
    rows = (
        AuditEvent.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .order_by("stream", "seq")
        .values_list("hash", flat=True)
    )
    for event_hash in rows.iterator(chunk_size=2000):
        digest.update(event_hash.encode())
        count += 1
    return count, digest.hexdigest()


def _seal_hash(*, day: date, events_count: int, events_digest: str, prev_hash: str) -> str:
    return hashlib.sha256(
        f"{prev_hash}|{day.isoformat()}|{events_count}|{events_digest}".encode()
    ).hexdigest()


@transaction.atomic
def audit_seal_day(*, day: date) -> AuditSeal:
    """Seal a finished Vietnamese day. Idempotent: a day already sealed is returned as it is."""
    if day >= timezone.localdate():
        raise ValueError("Only a finished day can be sealed.")
    existing = AuditSeal.objects.filter(day=day).first()
    if existing:
        return existing
    previous = AuditSeal.objects.select_for_update().filter(day__lt=day).order_by("-day").first()
    prev_hash = previous.hash if previous else GENESIS_HASH
    count, digest = _day_digest(day)
    return AuditSeal.objects.create(
        day=day,
        events_count=count,
        events_digest=digest,
        prev_hash=prev_hash,
        hash=_seal_hash(day=day, events_count=count, events_digest=digest, prev_hash=prev_hash),
    )


@dataclass(frozen=True)
class BrokenLink:
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def audit_verify() -> list[BrokenLink]:
    """Recompute every chain, stream head and seal; report the first broken link of each."""
    broken: list[BrokenLink] = []
    heads = {s.key: s for s in AuditStream.objects.all()}
    current_stream, expected_seq, expected_prev, stream_broken = None, 1, GENESIS_HASH, False

    def close_stream() -> None:
        head = heads.pop(current_stream, None)
        if stream_broken:
            return
        if head is None:
            broken.append(BrokenLink(current_stream, "luồng không có bản ghi đầu chuỗi"))
        elif head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
            broken.append(
                BrokenLink(
                    current_stream,
                    f"thiếu sự kiện cuối: đầu chuỗi ghi #{head.last_seq}, còn lại đến #{expected_seq - 1}",
                )
            )

    for event in AuditEvent.objects.order_by("stream", "seq").iterator(chunk_size=2000):
        if event.stream != current_stream:
            if current_stream is not None:
                close_stream()
            current_stream, expected_seq, expected_prev, stream_broken = event.stream, 1, GENESIS_HASH, False
        if stream_broken:
            continue
        where = f"{event.stream}#{event.seq}"
        if event.seq != expected_seq:
            broken.append(BrokenLink(where, f"mất sự kiện #{expected_seq}"))
            stream_broken = True
        elif event.prev_hash != expected_prev:
            broken.append(BrokenLink(where, "liên kết tới sự kiện trước bị thay đổi"))
            stream_broken = True
        elif _hash_of(event) != event.hash:
            broken.append(BrokenLink(where, "nội dung sự kiện bị sửa"))
            stream_broken = True
        expected_seq, expected_prev = event.seq + 1, event.hash
    if current_stream is not None:
        close_stream()
    for key, head in heads.items():
        if head.last_seq:
            broken.append(BrokenLink(key, "mọi sự kiện của luồng đã bị xoá"))

    prev_hash = GENESIS_HASH
    for seal in AuditSeal.objects.order_by("day"):
        count, digest = _day_digest(seal.day)
        expected = _seal_hash(day=seal.day, events_count=count, events_digest=digest, prev_hash=prev_hash)
        if seal.prev_hash != prev_hash or seal.hash != expected:
            broken.append(
                BrokenLink(f"niêm phong {seal.day}", "sự kiện trong ngày không khớp với niêm phong")
            )
            break
        prev_hash = seal.hash
    return broken
