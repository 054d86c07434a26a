"""The headless API for the mobile app: Wagtail's API v2 and its OpenAPI schema."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter

from cimaise.api import openapi
from cimaise.api.views import DocumentsAPIViewSet, ImagesAPIViewSet, PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)

urlpatterns = [
    path("v2/openapi.json", openapi.schema_view, name="api_openapi"),
    path("v2/", api_router.urls),
]
