from django.core.management.base import BaseCommand, CommandError

from interconnect.services import replay_dead
from registrations import services as bundle_services
from registrations.exceptions import TransitionRefused
from registrations.models import Bundle


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
        bundle = Bundle.objects.filter(code=code).first()
        if bundle is None:
            raise CommandError(f"Không có hồ sơ {code}.")
        replayed = 0
        for step in bundle.steps.filter(state__in=["rejected", "dead"]):
            try:
                bundle_services.step_replay(step_id=step.pk, actor=None)
                replayed += 1
            except TransitionRefused:
                continue
        self.stdout.write(f"Đã đưa {replayed} bước của hồ sơ {code} về hàng đợi gửi.")
