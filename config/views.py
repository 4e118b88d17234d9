from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
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
