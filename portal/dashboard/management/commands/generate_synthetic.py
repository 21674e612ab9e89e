"""Synthetic history for load tests and the dashboard benchmark: bundles with their steps and delivery
attempts, in bulk, spread over the wards and days asked for, then the roll-ups rebuilt from them (or,
with --rollups-only, daily roll-ups seeded directly for years of history). Invented, with no people
attached; refused under production settings."""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from interconnect.models import Attempt
from portal.accounts.constants import Role
from portal.accounts.models import User
from portal.dashboard import rules
from portal.dashboard.models import WardDay
from portal.dashboard.services import provinces_refresh, rollups_rebuild
from portal.divisions.models import Ward
from registrations.models import Bundle, Step

BIRTH = ["birth_registration", "personal_id", "permanent_residence", "health_insurance"]
DEATH = ["death_registration", "residence_removal", "funeral_allowance"]
AGENCY = {
    "birth_registration": "civil_status",
    "death_registration": "civil_status",
    "personal_id": "police",
    "permanent_residence": "police",
    "residence_removal": "police",
    "health_insurance": "social_insurance",
    "funeral_allowance": "social_insurance",
}
# A bundle is open for days, not months: those filed in the last ten days are in every state, older
# ones have closed (as at a real portal, where the open work is a few days' filings).
RECENT_STATES = [
    ("completed", 30), ("signed", 15), ("registered", 15), ("in_review", 15), ("submitted", 12),
    ("awaiting_citizen", 8), ("rejected", 2), ("withdrawn", 2), ("partially_completed", 1),
]  # fmt: skip
CLOSED_STATES = [("completed", 93), ("partially_completed", 2), ("rejected", 3), ("withdrawn", 2)]
RECENT_DAYS = 10


class Command(BaseCommand):
    help = "Tạo dữ liệu tổng hợp (không có người thật) cho thử tải và bảng số liệu."

    def add_arguments(self, parser):
        parser.add_argument("--bundles", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=90, help="spread over the last N days")
        parser.add_argument("--province", type=int, action="append", help="only these provinces (repeatable)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--no-rebuild", action="store_true", help="leave the roll-ups as they are")
        parser.add_argument(
            "--rollups-only", type=int, metavar="YEARS", help="seed YEARS of daily roll-ups directly"
        )

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_MODE", False) and not settings.DEBUG:
            raise CommandError("Không tạo dữ liệu tổng hợp trên hệ thống vận hành.")
        rng = random.Random(options["seed"])
        wards = Ward.objects.all()
        if options["province"]:
            wards = wards.filter(province_id__in=options["province"])
        wards = list(wards.values_list("code", "province_id"))
        if not wards:
            raise CommandError("Chưa có dữ liệu xã, phường: chạy load_divisions trước.")
        if options["rollups_only"]:
            started = time.perf_counter()
            rows = self._rollups(rng, wards, years=options["rollups_only"], batch=options["batch"])
            self.stdout.write(f"rollups={rows} seconds={time.perf_counter() - started:.1f}")
            return
        started = time.perf_counter()
        self._bundles(rng, wards, options)
        generated = time.perf_counter() - started
        self.stdout.write(f"bundles={options['bundles']} generate_seconds={generated:.1f}")
        if not options["no_rebuild"]:
            started = time.perf_counter()
            rows = rollups_rebuild(batch_size=options["batch"])
            self.stdout.write(f"rollup_rows={rows} rebuild_seconds={time.perf_counter() - started:.1f}")

    def _owner(self) -> User:
        user, _ = User.objects.get_or_create(
            username="synthetic", defaults={"role": Role.CITIZEN, "full_name": "Dữ liệu tổng hợp"}
        )
        return user

    def _bundles(self, rng: random.Random, wards, options) -> None:
        owner, now, total = self._owner(), timezone.now(), options["bundles"]
        run = uuid.uuid4().hex[:6].upper()
        for offset in range(0, total, options["batch"]):
            bundles, plans = [], []
            for number in range(offset, min(offset + options["batch"], total)):
                ward, _province = rng.choice(wards)
                group = "birth" if rng.random() < 0.72 else "death"
                age = rng.uniform(0, options["days"])
                submitted = now - timedelta(days=age)
                names, weights = zip(*(RECENT_STATES if age < RECENT_DAYS else CLOSED_STATES), strict=True)
                state = rng.choices(names, weights)[0]
                registered = submitted + timedelta(hours=rng.uniform(1, 30))
                completed = registered + timedelta(days=rng.uniform(0.5, 7))
                procedures = BIRTH if group == "birth" else DEATH
                closed = state in ("completed", "partially_completed")
                was_registered = state in ("registered", "signed", "completed", "partially_completed")
                bundles.append(
                    Bundle(
                        owner=owner,
                        group=group,
                        ward_id=ward,
                        state=state,
                        procedures=procedures,
                        code=f"SYN{run}.{ward}-{number:08d}",
                        submitted_at=submitted,
                        clock_started_at=submitted,
                        due_at=submitted + timedelta(days=4),
                        registered_at=registered if was_registered else None,
                        completed_at=completed if closed else None,
                        late_registration=rng.random() < 0.06,
                    )
                )
                plans.append((procedures, state, registered, completed))
            with transaction.atomic():
                Bundle.objects.bulk_create(bundles, batch_size=2000)
                steps, attempts = [], []
                for bundle, (procedures, state, registered, completed) in zip(bundles, plans, strict=True):
                    for position, code in enumerate(procedures):
                        step_state, done_at = self._step_state(rng, state, position, registered, completed)
                        tries = 1 + (rng.random() < 0.1) + (rng.random() < 0.03)
                        steps.append(
                            Step(
                                bundle=bundle,
                                procedure=code,
                                agency=AGENCY[code],
                                position=position,
                                state=step_state,
                                due_since=registered if position else None,
                                done_at=done_at,
                                attempts=tries if step_state in ("done", "dead", "rejected") else 0,
                            )
                        )
                Step.objects.bulk_create(steps, batch_size=2000)
                for step in steps:
                    for number in range(1, step.attempts + 1):
                        last = number == step.attempts
                        attempts.append(
                            Attempt(
                                step=step,
                                number=number,
                                agency=step.agency,
                                started_at=step.due_since or now,
                                latency_ms=rng.randint(40, 2500),
                                status_code=200 if last and step.state == "done" else 503,
                                outcome="done" if last and step.state == "done" else "retry",
                                request_sha256="0" * 64,
                                correlation_id=str(uuid.uuid4()),
                            )
                        )
                Attempt.objects.bulk_create(attempts, batch_size=2000)

    @staticmethod
    def _write(columns: list[str], rows: list[list]) -> int:
        WardDay.objects.bulk_create(
            [WardDay(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )
        return len(rows)

    @staticmethod
    def _step_state(rng, state, position, registered, completed):
        if state in ("completed",):
            return "done", completed if position else registered
        if state == "partially_completed":
            return ("rejected", None) if position == 2 else ("done", completed if position else registered)
        if state in ("signed", "registered"):
            if position == 0:
                return "done", registered
            return (
                ("done", registered + timedelta(hours=rng.uniform(0.1, 20)))
                if position == 1
                else ("pending", None)
            )
        return "waiting", None

    def _rollups(self, rng: random.Random, wards, *, years: int, batch: int) -> int:
        """A whole-bundle row and a personal-ID step row for each ward and day with births (about three
        days in four, like a real ward), written in batches."""
        today, stamp = timezone.localdate(), timezone.now()
        columns = [
            "ward_id",
            "province_id",
            "day",
            "group",
            "procedure",
            "agency",
            "touched_at",
            *rules.COLUMNS,
        ]
        index = {c: i for i, c in enumerate(columns)}
        WardDay.objects.all().delete()
        written, rows = 0, []
        for day_offset in range(years * 365):
            day = today - timedelta(days=day_offset)
            for ward, province in wards:
                received = rng.choices((0, 1, 2, 3, 4), (25, 35, 22, 12, 6))[0]
                if not received:
                    continue
                completed = max(received - rng.randint(0, 1), 0)
                whole = [ward, province, day, "birth", "", "", stamp] + [0] * len(rules.COLUMNS)
                for name, value in (
                    ("received", received),
                    ("registered", completed),
                    ("registered_late", int(rng.random() < 0.05)),
                    ("completed", completed),
                    ("completed_on_time", completed - int(completed > 0 and rng.random() < 0.08)),
                    (f"processing_d{rng.choices(range(6), (5, 30, 35, 18, 8, 4))[0]}", completed),
                ):
                    whole[index[name]] += value
                step = [ward, province, day, "birth", "personal_id", "police", stamp] + [0] * len(
                    rules.COLUMNS
                )
                step[index["steps_done"]] = completed
                step[index["retries"]] = int(rng.random() < 0.1)
                step[index[f"latency_b{min(int(rng.expovariate(0.25)) + 4, rules.LATENCY_BUCKETS - 1)}"]] = (
                    completed
                )
                rows += [whole, step]
            if len(rows) >= batch:
                written += self._write(columns, rows)
                rows = []
        written += self._write(columns, rows)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {WardDay._meta.db_table}")
        provinces_refresh(full=True)
        return written
