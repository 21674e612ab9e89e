from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from portal.divisions.selectors import ward_exists
from registrations.facilities.intake import facility_end_rotation, facility_register, facility_rotate_secret
from registrations.models import MedicalFacility


class Command(BaseCommand):
    help = (
        "Đăng ký cơ sở khám, chữa bệnh gửi giấy chứng sinh / báo tử điện tử, hoặc đổi khoá ký của cơ sở. "
        "Khoá chỉ hiện một lần: hãy chuyển ngay cho cơ sở qua kênh an toàn."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="mã cơ sở")
        parser.add_argument("--name", help="tên cơ sở (khi đăng ký mới)")
        parser.add_argument("--ward", type=int, help="mã xã, phường nơi cơ sở đặt trụ sở (khi đăng ký mới)")
        parser.add_argument("--rotate", action="store_true", help="cấp khoá mới; khoá cũ còn dùng được")
        parser.add_argument("--end-rotation", action="store_true", help="thôi nhận khoá cũ")

    def handle(self, *args, code, name, ward, rotate, end_rotation, **options):
        facility = MedicalFacility.objects.filter(code=code).first()
        if rotate or end_rotation:
            if facility is None:
                raise CommandError(f"Chưa có cơ sở mã {code}.")
            if end_rotation:
                facility_end_rotation(facility=facility)
                self.stdout.write(f"{code}: khoá cũ không còn được chấp nhận.")
                return
            secret = facility_rotate_secret(facility=facility)
            self.stdout.write(f"{code}: khoá mới (khoá cũ vẫn dùng được đến khi --end-rotation):\n{secret}")
            return
        if not name or not ward:
            raise CommandError("Đăng ký mới cần --name và --ward.")
        if not ward_exists(ward):
            raise CommandError(f"Mã xã, phường {ward} không tồn tại.")
        try:
            facility, secret = facility_register(code=code, name=name, ward_id=ward)
        except IntegrityError:
            raise CommandError(f"Mã cơ sở {code} đã được đăng ký.") from None
        self.stdout.write(f"Đã đăng ký {facility}. Khoá ký (chỉ hiện một lần):\n{secret}")
