from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from tenders import views as tender_views

urlpatterns = [
    path("", tender_views.home, name="home"),
    path("", include("tenders.urls")),
    path("", include("housing.urls")),
    path("", include("applications.urls")),
    path("", include("jobs.urls")),
    path("", include("lists.urls")),
    path("", include("review.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("accounts/", include("housing.urls_accounts")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
