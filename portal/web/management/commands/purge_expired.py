from django.core.management.base import BaseCommand

from portal.web.retention import purge_expired


class Command(BaseCommand):
    help = "Xoá bản chụp giấy tờ và nhật ký trao đổi đã hết thời hạn lưu (không bao giờ xoá sổ hộ tịch)."

    def handle(self, *args, **options):
        result = purge_expired()
        self.stdout.write(
            f"Đã xoá {result['attachments']} bản chụp và {result['message_log']} dòng nhật ký trao đổi."
        )
