from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("staff/tenders/<int:pk>/review/", views.dashboard, name="dashboard"),
    path("staff/tenders/<int:pk>/review/open/", views.open_reviews, name="open_all"),
    path("staff/tenders/<int:pk>/review/seats/", views.seats, name="seats"),
    path(
        "staff/tenders/<int:pk>/review/seats/remove/",
        views.seat_remove,
        name="seat_remove",
    ),
    path("staff/tenders/<int:pk>/review/queue/", views.queue, name="queue"),
    path(
        "staff/tenders/<int:pk>/review/conflicts/",
        views.conflicts,
        name="conflicts",
    ),
    path(
        "staff/tenders/<int:pk>/review/queue.<str:fmt>",
        views.queue_export,
        name="export",
    ),
    path(
        "staff/tenders/<int:pk>/review/bulk-confirm/",
        views.bulk_confirm,
        name="bulk_confirm",
    ),
    path("staff/review/applications/<int:pk>/", views.review_detail, name="detail"),
    path("staff/review/applications/<int:pk>/open/", views.review_open, name="open"),
    path("staff/review/applications/<int:pk>/fact/", views.fact_detail, name="fact"),
    path(
        "staff/review/applications/<int:pk>/confirm/<str:action>/",
        views.confirm_step,
        name="confirm",
    ),
    path(
        "staff/review/applications/<int:pk>/do/<str:action>/",
        views.review_action,
        name="action",
    ),
    path(
        "staff/review/photos/<int:pk>/",
        views.photo_download,
        name="photo",
    ),
    path(
        "staff/review/applications/<int:pk>/scoring-record.pdf",
        views.record_download,
        name="record",
    ),
]
