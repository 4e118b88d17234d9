from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
@never_cache
@transaction.non_atomic_requests
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A plain, translated page for a forged or expired form; nothing was changed."""
    return render(request, "403_csrf.html", status=403)


def _page(request, name: str):
    """A page whose text is a template per language (long legal texts read better
    whole than as dozens of gettext paragraphs): ``pages/<name>.<language>.html``."""
    language = (get_language() or "sl").split("-")[0]
    return render(
        request,
        [f"pages/{name}.{language}.html", f"pages/{name}.sl.html"],
        {"login_records_days": settings.NAJEM_LOGIN_RECORDS_RETENTION_DAYS},
    )


@require_safe
def accessibility_statement(request):
    """The accessibility statement every public body's site must publish (ZDSMA)."""
    return _page(request, "accessibility")


@require_safe
def privacy_notice(request):
    """Who processes applicants' data, why, for how long, and their rights (GDPR)."""
    return _page(request, "privacy")
