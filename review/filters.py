"""The commission's queue: filters, search and sorting (django-filter), over the
reviews :func:`review.selectors.reviews_for` lets the user list.

Filters that need the whole tender ranked by the engine (sub-list, near a cut-off,
the cut-off flag) call the selectors only when they are chosen (the first two through
the cached :func:`review.selectors.placements`), so the plain queue
answers with a fixed number of queries whatever the number of applications.
Claimed categories are read from the claims under review (``FactCheck`` paths) and
offer only claims that are not special-category data.
"""

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _

import django_filters

from applications.models import Member
from tenders.models import Tender

from .constants import NEAR_CUTOFF_POINTS, ReviewState
from .models import FactCheck
from .selectors import flags_for, placements

# Claims of the Form that may be filtered on: not special-category data.
PLAIN_CLAIMS = (
    ("application.single_parent", _("Single parent")),
    ("application.inappropriate_dwelling", _("Inappropriate dwelling")),
    ("application.supports_member_over_65", _("Supports a member over 65")),
    ("application.important_profession", _("Important profession")),
    ("application.entrance_from_yard", _("Entrance from the yard")),
)

FLAG_CHOICES = (
    ("any", _("Any flag")),
    ("duplicate_person", _("Same person in another application")),
    ("duplicate_document", _("Same document in another application")),
    ("near_cutoff", _("Near a sub-list's cut-off")),
)

CHANNEL_CHOICES = (("online", _("Online")), ("paper", _("On paper")))
LIST_CHOICES = (("A", _("List A")), ("B", _("List B")))


def category_choices(tender: Tender) -> list[tuple[str, str]]:
    choices = [
        (f"category:other:{c.slug}", c.display_name)
        for c in tender.categories.all()
        if c.category == "other" and c.slug
    ]
    choices += [
        (f"additional:{c.code}", c.name) for c in tender.additional_conditions.all()
    ]
    return choices + [(p, str(label)) for p, label in PLAIN_CLAIMS]


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Application code, a member's name or a member's EMŠO."),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ReviewState.choices, empty_label=_("All states")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Paper or online"),
        choices=CHANNEL_CHOICES,
        method="filter_channel",
        empty_label=_("Both"),
    )
    list_kind = django_filters.ChoiceFilter(
        label=_("List (verified)"),
        choices=LIST_CHOICES,
        field_name="verified_result__list",
        empty_label=_("Both lists"),
    )
    sub_list = django_filters.ChoiceFilter(
        label=_("Sub-list"), method="filter_sub_list", empty_label=_("All sub-lists")
    )
    # Verified points only: the claimed (provisional) points are not stored per
    # application (the engine computes them on the page), so a filter on them would
    # score the whole tender at every request. The label and hint say so.
    points_min = django_filters.NumberFilter(
        label=_("Verified points from"),
        field_name="verified_total",
        lookup_expr="gte",
        help_text=_(
            "Filters on the points the commission verified, not on the points the "
            "applicant claimed: applications not yet verified have none and are left "
            "out when you set a range."
        ),
    )
    points_max = django_filters.NumberFilter(
        label=_("Verified points to"),
        field_name="verified_total",
        lookup_expr="lte",
        help_text=_("Including this number of verified points."),
    )
    category = django_filters.ChoiceFilter(
        label=_("Claimed category or condition"),
        method="filter_category",
        empty_label=_("Any"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Flags"),
        choices=FLAG_CHOICES,
        method="filter_flag",
        empty_label=_("With or without flags"),
    )
    near_cutoff = django_filters.BooleanFilter(
        label=_("Near a sub-list's cut-off, closest first"),
        method="filter_near_cutoff",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("application__code", "code"),
            ("state", "state"),
            ("verified_total", "points"),
            ("application__submitted_at", "submitted"),
        ),
        field_labels={
            "application__code": _("Code"),
            "state": _("State"),
            "verified_total": _("Verified points"),
            "application__submitted_at": _("Submitted"),
        },
        empty_label=_("Code"),
    )

    def __init__(self, *args, tender: Tender, **kwargs):
        self.tender = tender
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = category_choices(tender)
        self.filters["sub_list"].extra["choices"] = [
            (s.code, f"{s.code}: {s.localized('name')}") for s in tender.sublists.all()
        ]
        self.filters["near_cutoff"].extra["help_text"] = _(
            "Within %(points)d points: what to inspect first (Art. 22(2))."
        ) % {"points": NEAR_CUTOFF_POINTS}
        self.filters["points_min"].field.widget.attrs["class"] = "input-width-5"
        self.filters["points_max"].field.widget.attrs["class"] = "input-width-5"

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        members = Member.objects.filter(application=OuterRef("application"))
        if text.isdigit() and len(text) == 13:
            return queryset.filter(Exists(members.filter(emso=text)))
        words = Q()
        for word in text.split()[:3]:
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return queryset.filter(
            Q(application__code__icontains=text) | Exists(members.filter(words))
        )

    def filter_channel(self, queryset, name, value):
        return queryset.filter(application__applicant__isnull=(value == "paper"))

    def filter_category(self, queryset, name, value):
        facts = FactCheck.objects.filter(review=OuterRef("pk"), path=value)
        return queryset.filter(Exists(facts))

    def filter_sub_list(self, queryset, name, value):
        placed = placements(self.tender)
        return queryset.filter(
            application_id__in=[pk for pk, n in placed.items() if n.sub_list == value]
        )

    def filter_flag(self, queryset, name, value):
        flags = flags_for(self.tender, cutoff=value in ("any", "near_cutoff"))
        chosen = [
            pk
            for pk, f in flags.items()
            if (value == "any" and f.any)
            or (value == "duplicate_person" and f.duplicate_people)
            or (value == "duplicate_document" and f.duplicate_documents)
            or (value == "near_cutoff" and f.near_cutoff)
        ]
        return queryset.filter(application_id__in=chosen)

    def filter_near_cutoff(self, queryset, name, value):
        if not value:
            return queryset
        near = {
            pk: n
            for pk, n in placements(self.tender).items()
            if abs(n.distance) <= NEAR_CUTOFF_POINTS
        }
        if not near:
            return queryset.none()
        distance = Case(
            *[
                When(application_id=pk, then=Value(abs(n.distance)))
                for pk, n in near.items()
            ],
            output_field=IntegerField(),
        )
        return (
            queryset.filter(application_id__in=list(near))
            .annotate(cutoff_distance=distance)
            .order_by("cutoff_distance", "application__code")
        )
