from rest_framework.routers import SimpleRouter

from .api import BundleViewSet

router = SimpleRouter()
router.register("bundles", BundleViewSet, basename="bundle")

urlpatterns = router.urls
