"""URLs of the case records: the case list, the stepwise case form (wizard) and the case page."""

from django.urls import path

from cases.records import rule_review_views, views, wizard

app_name = "records"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", wizard.case_new, name="new"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/step/<slug:step>/", wizard.case_step, name="step"),
    path("cases/<uuid:case_id>/panel/", wizard.case_panel, name="panel"),
    path("cases/<uuid:case_id>/reassess/", views.case_reassess, name="reassess"),
    path("cases/rules/", rule_review_views.rule_review_index, name="rule_review"),
    path("cases/rules/check/", rule_review_views.rule_check, name="rule_check"),
    path("cases/rules/<uuid:job_id>/", rule_review_views.rule_review_job, name="rule_review_job"),
    path("cases/rules/<uuid:job_id>/reassess/", rule_review_views.rule_reassess, name="rule_reassess"),
]
