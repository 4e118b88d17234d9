from django.urls import path

from . import views

app_name = "tenders"

urlpatterns = [
    path("tenders/archive/", views.tender_archive, name="archive"),
    path("tenders/<int:pk>/", views.tender_detail, name="detail"),
    path("tenders/<int:pk>/invitation.pdf", views.tender_invitation_pdf, name="pdf"),
    path("staff/tenders/", views.staff_tender_list, name="staff_list"),
    path("staff/tenders/new/", views.tender_create, name="create"),
    path("staff/tenders/<int:pk>/", views.tender_manage, name="manage"),
    path("staff/tenders/<int:pk>/edit/", views.tender_edit, name="edit"),
    path(
        "staff/tenders/<int:pk>/invitation-preview.pdf",
        views.tender_invitation_preview,
        name="pdf_preview",
    ),
    path("staff/tenders/<int:pk>/tie-break/", views.tender_tie_break, name="tie_break"),
    path(
        "staff/tenders/<int:pk>/transition/",
        views.tender_transition,
        name="transition",
    ),
    path(
        "staff/tenders/<int:pk>/amendments/new/",
        views.amendment_create,
        name="amendment_create",
    ),
    path(
        "staff/tenders/<int:pk>/<str:kind>/new/",
        views.tender_child_edit,
        name="child_create",
    ),
    path(
        "staff/tenders/<int:pk>/<str:kind>/<int:child_pk>/",
        views.tender_child_edit,
        name="child_edit",
    ),
    path(
        "staff/tenders/<int:pk>/<str:kind>/<int:child_pk>/delete/",
        views.tender_child_delete,
        name="child_delete",
    ),
]
