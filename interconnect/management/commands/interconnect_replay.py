from django.core.management.base import BaseCommand, CommandError

from interconnect.services import replay_dead
from registrations import selectors as bundle_selectors
from registrations import services as bundle_services
from registrations.exceptions import TransitionRefused


class Command(BaseCommand):
    help = "Gửi lại các bước bị từ chối hoặc gửi thất bại: của một hồ sơ (theo mã), hoặc mọi bước 'dead'."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="Mã hồ sơ")
        parser.add_argument("--dead", action="store_true", help="Mọi bước đã hết số lần gửi")

    def handle(self, *args, code=None, dead=False, **options):
        if bool(code) == bool(dead):
            raise CommandError("Nêu một mã hồ sơ, hoặc --dead.")
        if dead:
            self.stdout.write(f"Đã đưa {replay_dead()} bước về hàng đợi gửi.")
            return
        step_ids = bundle_selectors.replayable_step_ids(code=code)
        if step_ids is None:
            raise CommandError(f"Không có hồ sơ {code}.")
        replayed = 0
        for step_id in step_ids:
            try:
                bundle_services.step_replay(step_id=step_id, actor=None)
                replayed += 1
            except TransitionRefused:
                continue
        self.stdout.write(f"Đã đưa {replayed} bước của hồ sơ {code} về hàng đợi gửi.")
