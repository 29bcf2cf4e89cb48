"""URLs of the case records: the case list, the stepwise case form (wizard) and the case page."""

from django.urls import path

from cases.records import views, wizard

app_name = "records"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", wizard.case_new, name="new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/step/<slug:step>/", wizard.case_step, name="step"),
    path("cases/<uuid:case_id>/panel/", wizard.case_panel, name="panel"),
]
