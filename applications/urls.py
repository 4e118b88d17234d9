from django.urls import path

from . import views_documents

app_name = "applications"

urlpatterns = [
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
    path("account/data/", views_documents.data_page, name="data"),
    path("account/data/najem-data.json", views_documents.data_json, name="data_json"),
    path("account/data/najem-data.pdf", views_documents.data_pdf, name="data_pdf"),
]
