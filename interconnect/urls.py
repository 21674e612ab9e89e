from django.urls import path

from . import api

urlpatterns = [
    path("interconnect/callbacks/<str:agency>/", api.CallbackView.as_view(), name="interconnect-callback"),
    path("bundles/<str:key>/steps/<str:procedure>/replay/", api.ReplayView.as_view(), name="step-replay"),
]
