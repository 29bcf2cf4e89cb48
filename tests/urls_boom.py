"""The project's URLs plus a view that fails, to see the 500 page a user would get."""

from django.urls import path

from gistcare.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("failure while reading patient MRN4242XYZ Hopper")


urlpatterns = [*urlpatterns, path("boom/", boom)]
