from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import BundleViewSet
from .facilities import api as hospital_api

router = SimpleRouter()
router.register("bundles", BundleViewSet, basename="bundle")

urlpatterns = [
    *router.urls,
    path("hospital/birth-certificates/", hospital_api.BirthCertificates.as_view(), name="birth-certificates"),
    path(
        "hospital/birth-certificates/<str:number>/correction/",
        hospital_api.BirthCertificateCorrection.as_view(),
        name="birth-certificate-correction",
    ),
    path("hospital/death-notices/", hospital_api.DeathNotices.as_view(), name="death-notices"),
    path(
        "hospital/death-notices/<str:number>/correction/",
        hospital_api.DeathNoticeCorrection.as_view(),
        name="death-notice-correction",
    ),
]
