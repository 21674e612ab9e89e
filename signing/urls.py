from django.urls import path

from . import views

app_name = "signing"

urlpatterns = [
    path("ky-so/", views.queue, name="queue"),
    path("ky-so/<uuid:key>/xem-truoc/", views.preview, name="preview"),
    path("ky-so/<uuid:key>/cap-lai/", views.reissue, name="reissue"),
    path("trich-luc/<str:token>/tai-ve/", views.download, name="download"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
