from django.urls import path

from . import views, views_documents

app_name = "applications"

urlpatterns = [
    path("tenders/<int:tender_pk>/apply/", views.tender_apply, name="start"),
    path(
        "staff/tenders/<int:tender_pk>/paper-application/",
        views.paper_start,
        name="paper_start",
    ),
    path("applications/", views.application_list, name="list"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/applicant/", views.applicant_details, name="applicant"),
    path("applications/<int:pk>/members/", views.members, name="members"),
    path("applications/<int:pk>/members/add/", views.member_edit, name="member_add"),
    path(
        "applications/<int:pk>/members/<int:member_pk>/",
        views.member_edit,
        name="member_edit",
    ),
    path(
        "applications/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "applications/<int:pk>/section/<str:section>/",
        views.section_edit,
        name="section",
    ),
    path("applications/<int:pk>/check/", views.check_answers, name="check"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/submitted/", views.confirmation, name="confirmation"),
    path("applications/<int:pk>/correct/", views.correct, name="correct"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/amendments/<int:amendment_pk>/",
        views.amendment_answer,
        name="amendment_answer",
    ),
    # Documents, receipt and the applicant's data (issue 12, 4, 6, 10).
    path(
        "applications/<int:pk>/documents/",
        views_documents.documents,
        name="documents",
    ),
    path(
        "applications/documents/<int:pk>/download/",
        views_documents.document_download,
        name="document_download",
    ),
    path(
        "applications/documents/<int:pk>/delete/",
        views_documents.document_remove,
        name="document_delete",
    ),
    path(
        "applications/<int:pk>/receipt.pdf",
        views_documents.receipt_pdf,
        name="receipt_pdf",
    ),
    path(
        "applications/<int:pk>/scoring-record.pdf",
        views_documents.scoring_record_pdf,
        name="scoring_record_pdf",
    ),
    path("account/data/", views_documents.data_page, name="data"),
    path("account/data/najem-data.json", views_documents.data_json, name="data_json"),
    path("account/data/najem-data.pdf", views_documents.data_pdf, name="data_pdf"),
]
