"""Wagtail's API v2 endpoints, with the visitor's search text made safe first."""

from wagtail.api.v2 import filters
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet as WagtailDocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet as WagtailImagesAPIViewSet

from cimaise.core.search import clean_query


class SearchFilter(filters.SearchFilter):
    """Wagtail's ``?search=``, after ``clean_query``: a stray quote or a NUL is not a server error."""

    def filter_queryset(self, request, queryset, view):
        if "search" in request.GET:
            params = request.GET.copy()
            params["search"] = clean_query(params["search"])
            request._request.GET = params
        return super().filter_queryset(request, queryset, view)


def _with_clean_search(backends):
    return [SearchFilter if backend is filters.SearchFilter else backend for backend in backends]


class PagesAPIViewSet(WagtailPagesAPIViewSet):
    filter_backends = _with_clean_search(WagtailPagesAPIViewSet.filter_backends)

    def get_queryset(self):
        # Every item's meta says its locale: loaded with the pages, not one query per item.
        return super().get_queryset().select_related("locale")


class ImagesAPIViewSet(WagtailImagesAPIViewSet):
    filter_backends = _with_clean_search(WagtailImagesAPIViewSet.filter_backends)


class DocumentsAPIViewSet(WagtailDocumentsAPIViewSet):
    filter_backends = _with_clean_search(WagtailDocumentsAPIViewSet.filter_backends)
