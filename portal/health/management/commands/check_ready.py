from django.core.management.base import BaseCommand, CommandError

from portal.health import checks


class Command(BaseCommand):
    help = "Chạy các kiểm tra của /readyz (dùng cho health check của container)."

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(checks.CHECKS), action="append")

    def handle(self, *args, only=None, **options):
        failed = []
        for name in only or sorted(checks.CHECKS):
            problem = checks.CHECKS[name]()
            self.stdout.write(f"{name}: {problem or 'ok'}")
            if problem:
                failed.append(name)
        if failed:
            raise CommandError(f"not ready: {', '.join(failed)}")
