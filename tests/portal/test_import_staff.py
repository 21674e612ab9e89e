from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from portal.accounts.models import User
from tests.factories import WARD_A, WARD_B, UserFactory

pytestmark = pytest.mark.usefixtures("divisions")
HEADER = "username,full_name,email,role,ward_code,title,phone\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_file_creates_accounts_without_passwords_and_mails_one_time_links(
    tmp_path, django_capture_on_commit_callbacks, client
):
    path = write(
        tmp_path,
        f"ct_an,Nguyễn Văn An,an@example.invalid,ward_clerk,{WARD_A},Công chức tư pháp - hộ tịch,\n"
        f"ld_binh,Trần Thị Bình,binh@example.invalid,ward_leader,{WARD_B},Phó Chủ tịch,0912345678\n",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_staff", str(path))
    an = User.objects.get(username="ct_an")
    assert an.ward_id == WARD_A and an.role == "ward_clerk" and not an.has_usable_password()
    assert User.objects.get(username="ld_binh").title == "Phó Chủ tịch"
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.invalid", "binh@example.invalid"]

    # The link sets a password once; the same link is refused afterwards.
    link = next(line for line in mail.outbox[0].body.splitlines() if "/dat-mat-khau/" in line)
    path_part = link.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path_part, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Mot-Mat-Khau-Dai-2026", "new_password2": "Mot-Mat-Khau-Dai-2026"}
    )
    assert done.status_code == 302
    user = User.objects.get(email=mail.outbox[0].to[0])
    assert user.check_password("Mot-Mat-Khau-Dai-2026")
    again = client.get(path_part, follow=True)
    assert "không hợp lệ hoặc đã được dùng" in again.content.decode()


def test_one_bad_row_imports_nothing_and_names_the_line(tmp_path, capsys):
    UserFactory(clerk=True, username="da_co")
    path = write(
        tmp_path,
        f"ct_moi,Nguyễn Văn Mới,moi@example.invalid,ward_clerk,{WARD_A},,\n"
        f"ct_sai,Lê Văn Sai,khong-phai-email,ward_clerk,99999,,\n"
        f"da_co,Phạm Văn Cũ,cu@example.invalid,ward_leader,{WARD_B},,\n"
        f"ct_moi,Bản Sao,saochep@example.invalid,ward_clerk,{WARD_A},,\n",
    )
    with pytest.raises(CommandError, match="Không nhập tài khoản nào: 3 dòng có lỗi"):
        call_command("import_staff", str(path))
    err = capsys.readouterr().err
    assert (
        "Dòng 3:" in err and "email 'khong-phai-email' không hợp lệ" in err and "mã xã, phường '99999'" in err
    )
    assert "Dòng 4: tên đăng nhập 'da_co' đã tồn tại" in err
    assert "Dòng 5: tên đăng nhập 'ct_moi' trùng với dòng 2" in err
    assert "Dòng 2" not in err
    assert not User.objects.filter(username__in=["ct_moi", "ct_sai"]).exists()
    assert mail.outbox == []


def test_dry_run_checks_without_creating(tmp_path, capsys):
    path = write(tmp_path, f"ct_thu,Nguyễn Văn Thử,thu@example.invalid,ward_clerk,{WARD_A},,\n")
    call_command("import_staff", str(path), "--dry-run")
    assert "Hợp lệ, sẽ tạo 1 tài khoản" in capsys.readouterr().out
    assert not User.objects.filter(username="ct_thu").exists()


def test_a_file_without_required_columns_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("username,email\nx,x@example.invalid\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))


def test_only_ward_roles_can_be_imported(tmp_path, capsys):
    path = write(tmp_path, f"qt,Quản Trị,qt@example.invalid,admin,{WARD_A},,\n")
    with pytest.raises(CommandError):
        call_command("import_staff", str(path))
    assert "vai trò 'admin' không hợp lệ" in capsys.readouterr().err
