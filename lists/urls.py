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
    path(
        "applications/<int:application_pk>/decisions/<int:pk>/decision.pdf",
        views.decision_pdf,
        name="decision_pdf",
    ),
    # Staff.
    path("staff/tenders/<int:pk>/lists/", views.tender_lists, name="tender"),
    path("staff/lists/<int:pk>/", views.version_manage, name="manage"),
    path("staff/lists/<int:pk>/cutoff/", views.version_cutoff, name="cutoff"),
    path("staff/lists/<int:pk>/approve/", views.version_approve, name="approve"),
    path("staff/lists/<int:pk>/publish/", views.version_publish, name="publish"),
    path("staff/lists/<int:pk>/diff/", views.version_diff, name="diff"),
    path(
        "staff/lists/<int:pk>/internal-<str:language>.pdf",
        views.version_internal_pdf,
        name="internal_pdf",
    ),
    path("staff/lists/<int:pk>/decisions/", views.decisions_issue, name="decisions"),
    path("staff/lists/<int:pk>/final/", views.final_publish, name="final"),
    path("staff/tenders/<int:pk>/appeals/", views.appeals, name="appeals"),
    path(
        "staff/decisions/<int:pk>/decision.pdf",
        views.decision_pdf_staff,
        name="decision_pdf_staff",
    ),
    path(
        "staff/decisions/<int:pk>/delivery/",
        views.decision_delivery,
        name="delivery",
    ),
    path("staff/decisions/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("staff/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
]
