"""Views of the housing app."""

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .mixins import staff_otp_required
from .permissions import is_staff_of
from .selectors import object_history as select_object_history

# The objects whose history staff may read: URL name -> (model, how to find the lessor
# the object belongs to). Anything else answers 404.
HISTORY_MODELS: dict[str, tuple[str, str]] = {
    "lessor": ("housing.Lessor", "pk"),
    "membership": ("housing.Membership", "lessor_id"),
    "tender": ("tenders.Tender", "lessor_id"),
}


@require_safe
@staff_otp_required
def object_history(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    """The audit trail of one object: who changed what and when (staff only).

    Superusers and staff (any role) of the object's lessor may read it; an object
    that was deleted still shows its history. Anonymous people go to the login page;
    people who are not lessor staff get 403 from ``staff_otp_required`` (whatever the
    object); staff of another lessor, unknown models and unknown ids get 404, so the
    answer never tells whether the object exists.
    """
    if model not in HISTORY_MODELS:
        raise Http404
    label, lessor_attr = HISTORY_MODELS[model]
    model_class = apps.get_model(label)
    obj = model_class._default_manager.filter(pk=pk).first()
    exists = obj is not None
    if obj is None:
        # Deleted: rebuild it from its last historical row.
        last = model_class.history.filter(id=pk).order_by("-history_date").first()
        if last is None:
            raise Http404
        obj = last.instance
    if not is_staff_of(request.user, getattr(obj, lessor_attr)):
        raise Http404
    return render(
        request,
        "housing/object_history.html",
        {
            "object": obj,
            "object_exists": exists,
            "model_name": model_class._meta.verbose_name,
            "entries": select_object_history(obj),
        },
    )
