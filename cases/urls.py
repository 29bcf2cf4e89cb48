"""URLs of the case records. Other capabilities (MDT, follow-ups, API) add their own url modules."""

from django.urls import path

from cases.views import records, wizard

urlpatterns = [
    path("cases/", records.case_list, name="case_list"),
    path("cases/new/", wizard.case_new, name="case_new"),
    path("cases/<uuid:pk>/", records.case_detail, name="case_detail"),
    path("cases/<uuid:pk>/step/<slug:step>/", wizard.case_step, name="case_step"),
    path("cases/<uuid:pk>/panel/", wizard.case_panel, name="case_panel"),
]
