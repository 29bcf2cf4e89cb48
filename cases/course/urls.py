"""URLs of the treatment course (issue 13)."""

from django.urls import path

from cases.course import views

app_name = "course"

urlpatterns = [
    path("cases/<uuid:case_id>/course/", views.course_page, name="page"),
    path("cases/<uuid:case_id>/course/timeline/", views.course_timeline, name="timeline"),
    path("cases/<uuid:case_id>/course/<slug:kind>/new/", views.record_add, name="add"),
    path("cases/<uuid:case_id>/course/<slug:kind>/<uuid:pk>/", views.record_edit, name="edit"),
    path("cases/<uuid:case_id>/course/<slug:kind>/<uuid:pk>/delete/", views.record_delete, name="delete"),
]
