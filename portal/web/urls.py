from django.urls import path

from . import accounts_admin, backoffice, citizen, components, counter, filing, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("can-bo/", views.staff_home, name="staff-home"),
    path("ho-so-cua-toi/", citizen.my_bundles, name="my-bundles"),
    path("ho-so-cua-toi/<uuid:key>/", citizen.status, name="status"),
    path("ho-so-cua-toi/<uuid:key>/cac-buoc/", citizen.status_fragment, name="status-fragment"),
    path("nop-ho-so/<slug:group_slug>/", filing.start, name="filing-start"),
    path("ho-so-cua-toi/<uuid:key>/khai/<slug:slug>/", filing.page, name="filing-page"),
    path("ho-so-cua-toi/<uuid:key>/giay-to/", filing.attachments, name="filing-attachments"),
    path("ho-so-cua-toi/<uuid:key>/giay-to/tai-len/", filing.upload, name="filing-upload"),
    path(
        "ho-so-cua-toi/<uuid:key>/giay-to/<uuid:attachment_id>/xoa/",
        filing.remove_attachment,
        name="filing-remove-attachment",
    ),
    path("ho-so-cua-toi/<uuid:key>/xem-lai/", filing.review, name="filing-review"),
    path("ho-so-cua-toi/<uuid:key>/bien-nhan/", filing.receipt, name="receipt"),
    path("ho-so-cua-toi/<uuid:key>/bo-sung/", filing.supplement, name="supplement"),
    path("du-lieu-ca-nhan/", citizen.personal_data, name="personal-data"),
    path("du-lieu-ca-nhan/tai-ve/", citizen.personal_data_download, name="personal-data-download"),
    path("can-bo/ho-so/", backoffice.queue, name="queue"),
    path("can-bo/tim-kiem/", backoffice.search, name="search"),
    path("can-bo/nop-thay/", counter.start, name="counter-start"),
    path("can-bo/nop-thay/<int:pk>/", counter.confirm, name="counter-confirm"),
    path("can-bo/tai-khoan/", accounts_admin.staff_accounts, name="staff-accounts"),
    path("can-bo/tai-khoan/<int:pk>/vo-hieu-hoa/", accounts_admin.staff_deactivate, name="staff-deactivate"),
    path("can-bo/ho-so/<uuid:key>/", backoffice.case, name="case"),
    path(
        "can-bo/ho-so/<uuid:key>/cong-dvc/gui-lai/",
        backoffice.national_portal_replay,
        name="national-portal-replay",
    ),
    path("can-bo/ho-so/<uuid:key>/<str:action>/", backoffice.case_action, name="case-action"),
    path("thanh-phan-giao-dien/", components.components, name="components"),  # only under DEBUG
]
