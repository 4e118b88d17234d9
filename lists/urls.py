from django.urls import path

from . import views

app_name = "lists"

urlpatterns = [
    # Public (published versions); staff also reach drafts here.
    path("lists/<int:pk>/", views.version_detail, name="version"),
    path(
        "lists/<int:pk>/list-<str:language>.pdf", views.version_pdf, name="version_pdf"
    ),
    path("lists/<int:pk>/export.<str:fmt>", views.version_export, name="export"),
    path(
        "applications/<int:application_pk>/list-standing/",
        views.standing,
        name="standing",
    ),
    # Staff.
    path("staff/tenders/<int:pk>/lists/", views.tender_lists, name="tender"),
    path("staff/lists/<int:pk>/", views.version_manage, name="manage"),
    path("staff/lists/<int:pk>/cutoff/", views.version_cutoff, name="cutoff"),
    path("staff/lists/<int:pk>/approve/", views.version_approve, name="approve"),
    path("staff/lists/<int:pk>/publish/", views.version_publish, name="publish"),
    path("staff/lists/<int:pk>/diff/", views.version_diff, name="diff"),
]
