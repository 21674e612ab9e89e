from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import WSGIServer, run


class Command(BaseCommand):
    help = "Chạy các cơ quan giả lập (công an, BHXH, LĐTBXH) trên một cổng riêng, dưới /mock-agencies/."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)

    def handle(self, *args, host: str, port: int, **options):
        settings.ROOT_URLCONF = "interconnect.mock_agencies.urls_standalone"
        from django.core.wsgi import get_wsgi_application

        from interconnect.mock_agencies.behaviour import ensure_pump

        ensure_pump()
        self.stdout.write(f"Cơ quan giả lập: http://{host}:{port}/mock-agencies/ (Ctrl-C để dừng)")
        run(host, port, get_wsgi_application(), threading=True, server_cls=WSGIServer)
