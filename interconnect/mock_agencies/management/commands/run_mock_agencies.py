from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler


class _Handler(WSGIRequestHandler):
    # A response is written in several small sends; without TCP_NODELAY, Nagle's algorithm holds the
    # last one until the client's delayed ACK (about 40 ms) on every kept-alive call.
    disable_nagle_algorithm = True


class Command(BaseCommand):
    help = (
        "Chạy các cơ quan giả lập (công an, BHXH, cơ quan phúc lợi) trên một cổng riêng, dưới "
        "/mock-agencies/. Triển khai thử dùng gunicorn (docker-compose); lệnh này để phát triển."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)

    def handle(self, *args, host: str, port: int, **options):
        settings.ROOT_URLCONF = "interconnect.mock_agencies.urls_standalone"
        from django.core.wsgi import get_wsgi_application

        from interconnect.mock_agencies.behaviour import ensure_pump

        ensure_pump()
        server = ThreadedWSGIServer((host, port), _Handler)
        server.set_app(get_wsgi_application())
        self.stdout.write(f"Cơ quan giả lập: http://{host}:{port}/mock-agencies/ (Ctrl-C để dừng)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            server.server_close()
