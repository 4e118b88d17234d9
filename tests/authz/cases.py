"""The cases of every URL pattern: each GET, and each state-changing POST with data
that the permitted actor's request really applies.

Read a case as: this request, made by each actor, answers this (``expect``), and
changes the database for exactly these actors (``acts``).
"""

import datetime
import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .engine import (
    ANY,
    DENIED,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Case,
    who,
)
from .world import (
    ACTORS,
    ADMIN_X,
    ADMIN_Y,
    ANONYMOUS,
    APPLICANT_A,
    CHAIR_X,
    CLERK_X,
    GROUPS,
    MEMBER_X,
    MEMBER_Y,
    SUPERUSER,
    World,
    pdf_bytes,
)

NEW_PASSWORD = "Another-horse-battery-7"

# Guards: the permission functions a case proves (the meta-tests of
# tests/test_authorization_matrix.py patch them to allow everything).
CONFIGURE = "housing.permissions.can_configure_tenders"
HAS_ROLE = "housing.permissions.has_role"
REVIEW = "housing.permissions.can_review_applications"
IS_STAFF_OF = "housing.permissions.is_staff_of"
ANY_STAFF = "housing.permissions.is_any_lessor_staff"
EDIT_APPLICATION = "applications.permissions.can_edit_application"
STAFF_LESSORS = "housing.permissions.staff_lessor_ids"
# The applicant's own application on its pages (applications_for's rule, compiled).
APPLICATION_OF = "applications.selectors.application_of"
TENDER_FOR_STAFF = "tenders.selectors.tender_get_for_staff"
ADMIN_SITE = "housing.admin_site.NajemAdminSite.has_permission"


def all_patterns(patterns=None, namespace=""):
    """(name, route) of every URL pattern, namespaces included."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from all_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            names = "".join(f"<{group}>" for group in p.pattern.regex.groupindex)
            yield f"{namespace}{p.name}", f"{p.pattern} {names}"


# --- Form data: a form's own initial values as a browser would post them -------------


def form_data(form, **changes) -> dict:
    """What a browser posts for ``form`` unchanged (its initial values, formatted by
    its widgets in the site's language), with ``changes`` (by field name)."""
    data = {}
    with translation.override(settings.LANGUAGE_CODE):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                formatted = bound.field.widget.format_value(value)
                if isinstance(formatted, list):  # a select's or radio's one choice
                    formatted = formatted[0] if formatted else None
                if formatted is not None:
                    data[bound.html_name] = str(formatted)
    for name, value in changes.items():
        key = f"{form.prefix}-{name}" if form.prefix else name
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def tender_data(w: World, key: str, **changes) -> dict:
    from housing.models import Lessor
    from tenders.forms import TenderForm

    tender = w[key]
    tender.refresh_from_db()
    form = TenderForm(instance=tender, lessors=Lessor.objects.all())
    return form_data(form, **changes)


def tender_create_data(lessor_key: str):
    def data(w: World) -> dict:
        values = tender_data(w, "draft_x", code="NEW-2026", title="Nov razpis")
        values["lessor"] = str(w[lessor_key].pk)
        values.pop("version", None)
        return values

    return data


def amendment_data(key: str):
    def data(w: World) -> dict:
        deadline = timezone.localtime(w[key].deadline) + datetime.timedelta(days=2)
        return {
            "text": "Popravek: rok se podaljša.",
            "new_deadline": f"{deadline:%Y-%m-%dT%H:%M}",
            "confirm": "1",  # the confirmation page's button
        }

    return data


def version(w: World, key: str) -> int:
    application = w[key]
    application.refresh_from_db()
    return application.row_version


def member_data(key: str, member_key: str | None, **changes):
    """The member page's form: the member's own values (``member_key``), or a new
    child (``None``)."""

    def data(w: World) -> dict:
        from applications.forms import MemberForm, member_initial
        from applications.models import Member
        from tests.applications.factories import make_emso

        application = w[key]
        application.refresh_from_db()
        if member_key == "applicant":
            member = application.members.get(role="applicant")
        elif member_key:
            member = Member.objects.get(pk=w[member_key].pk)
        else:
            member = None
        form = MemberForm(
            application=application,
            applicant=member_key == "applicant",
            initial={
                **member_initial(member),
                "expected_version": application.row_version,
            },
        )
        values = form_data(form, **changes)
        if member is None:
            birth = datetime.date(2018, 6, 7)
            values.update(
                role="child",
                first_name="Nik",
                last_name="Novak",
                birth_date=f"{birth:%Y-%m-%d}",
                sex="M",
                emso=make_emso(birth, "M", 77),
                citizenship="SI",
                municipality=str(application.tender.lessor.municipalities.first().pk),
            )
        return values

    return data


def section_data(key: str, section: str, **changes):
    """The section page's forms (the page's and one per member) as the page shows
    them, with ``changes`` on the page's form."""

    def data(w: World) -> dict:
        from applications.constants import SECTION_MEMBER_FIELDS
        from applications.forms import MEMBER_FORMS, SECTION_FORMS
        from applications.views import _section_initial

        application = w[key]
        application.refresh_from_db()
        kwargs = {"application": application} if section == "categories" else {}
        form = SECTION_FORMS[section](
            initial=_section_initial(application, section), **kwargs
        )
        values = form_data(form, **changes)
        member_form = MEMBER_FORMS.get(section)
        if member_form is not None:
            for member in application.members.order_by("position", "pk"):
                fields = SECTION_MEMBER_FIELDS[section]
                values.update(
                    form_data(
                        member_form(
                            prefix=f"m{member.pk}",
                            initial={n: getattr(member, n) for n in fields},
                        )
                    )
                )
        return values

    return data


def upload_data(w: World) -> dict:
    return {
        "what": "kind:income",
        "file": SimpleUploadedFile(
            "placa.pdf", pdf_bytes(), content_type="application/pdf"
        ),
    }


def publish_x(w: World) -> None:
    from tenders import services

    services.tender_transition(
        tender=w["draft_x"], to_status="published", by=w.users[ADMIN_X]
    )


def render_receipt(w: World) -> None:
    from applications.pdf import receipt_for

    receipt_for(w["sub_a"].submissions.get(), "sl")


def reset_url(w: World) -> dict:
    user = w.users[APPLICANT_A]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def verify_token(w: World) -> dict:
    from housing.services import account_verification_token

    return {"token": account_verification_token(user=w["unverified"])}


# --- Expectations --------------------------------------------------------------------

EVERYONE = set(ACTORS)
LOGGED_IN = GROUPS["logged_in"]
CONFIGURERS_X = {ADMIN_X, SUPERUSER}
CONFIGURERS_Y = {ADMIN_Y, SUPERUSER}
PAPER_X = GROUPS["x_reviewers"] | {SUPERUSER}  # paper applications of X
PAPER_Y = {MEMBER_Y, SUPERUSER}
READERS_X = PAPER_X | {APPLICANT_A}  # A's documents and receipt
OWNER = {APPLICANT_A}


def everyone(outcome):
    return who(outcome)


def login_then(outcome):
    return who(outcome, anonymous=LOGIN)


def staff_of_x(outcome, *, others=FORBIDDEN, **actors):
    """A staff page about an object of lessor X: X's staff (``outcome`` unless given
    per actor), other lessors' staff 404, applicants 403."""
    base = {
        "anonymous": LOGIN,
        "applicants": FORBIDDEN,
        "x_staff": outcome,
        "y_staff": NOT_FOUND,
        "superuser": outcome,
    }
    return who(others, **{**base, **actors})


def staff_of_y(outcome, **actors):
    base = {
        "anonymous": LOGIN,
        "applicants": FORBIDDEN,
        "x_staff": NOT_FOUND,
        "y_staff": outcome,
        "superuser": outcome,
    }
    return who(FORBIDDEN, **{**base, **actors})


def configure_x(outcome):
    """A lessor admin's page about a tender of X."""
    return staff_of_x(FORBIDDEN, admin_x=outcome, superuser=outcome)


def configure_y(outcome):
    return staff_of_y(FORBIDDEN, admin_y=outcome, superuser=outcome)


def only(actors: set[str], outcome, *, others=NOT_FOUND, anonymous=LOGIN):
    """``outcome`` for ``actors``, ``others`` (404) for everyone else signed in."""
    return who(others, anonymous=anonymous, **dict.fromkeys(actors, outcome))


def application_case(name, key, expect_by, *, who_may, method="get", **kwargs):
    """A page of one application (``key``): ``who_may`` get ``expect_by``."""
    pk = kwargs.pop("pk_kwargs", None) or (lambda w: {"pk": w[key].pk})
    return Case(
        name,
        pk,
        only(who_may, expect_by),
        method=method,
        # (paper_applications_for is no guard of its own: can_edit_application
        # refuses whatever it lets through, as removing it shows.)
        guards=(EDIT_APPLICATION, REVIEW, STAFF_LESSORS, APPLICATION_OF),
        **kwargs,
    )


def tender_pk(key):
    return lambda w: {"pk": w[key].pk}


def child(key, kind, child_key=None):
    def kwargs(w):
        values = {"pk": w[key].pk, "kind": kind}
        if child_key:
            values["child_pk"] = w[child_key].pk
        return values

    return kwargs


def to_manage(key):
    return REDIRECT("tenders:manage", key)


def tender_config_cases(name, key, kwargs, post_data, *, label=""):
    """GET and a valid POST of a lessor admin's page of tender ``key`` (of X or Y)."""
    if key.endswith("_y"):
        expect, acts = configure_y, CONFIGURERS_Y
    else:
        expect, acts = configure_x, CONFIGURERS_X
    guards = (CONFIGURE, STAFF_LESSORS, ANY_STAFF, TENDER_FOR_STAFF)
    return [
        Case(name, kwargs, expect(OK), label=label, guards=guards),
        Case(
            name,
            kwargs,
            expect(to_manage(key)),
            method="post",
            data=post_data,
            acts=acts,
            label=label,
            guards=guards,
        ),
    ]


def category_data(**values):
    return lambda w: {"category": "youth", "points": "80", **values}


CONDITION = {"code": "zaposleni", "name": "Zaposlen v občini", "points": "10"}
SUBLIST = {
    "list_kind": "B",
    "code": "B9",
    "name": "Samske osebe",
    "rule": "single_persons",
    "dwellings": "10",
}


def build_matrix() -> dict[str, list[Case]]:
    m: dict[str, list[Case]] = {}

    def add(*cases: Case) -> None:
        for case in cases:
            m.setdefault(case.name, []).append(case)

    # --- public pages ----------------------------------------------------------------
    for name in ("home", "healthz", "accessibility", "privacy", "tenders:archive"):
        add(Case(name, expect=everyone(OK)))
    add(
        Case("tenders:detail", tender_pk("published_x"), everyone(OK), label="open"),
        Case(
            "tenders:detail", tender_pk("draft_x"), everyone(NOT_FOUND), label="draft"
        ),
        Case(
            "tenders:detail", lambda w: {"pk": 999999}, everyone(NOT_FOUND), label="?"
        ),
        Case(
            "tenders:pdf",
            tender_pk("draft_x"),
            everyone(OK),
            setup=publish_x,
            label="published",
        ),
        Case("tenders:pdf", tender_pk("draft_y"), everyone(NOT_FOUND), label="draft"),
    )

    # --- tender staff pages ---------------------------------------------------------
    add(
        Case(
            "tenders:staff_list", expect=staff_of_x(OK, y_staff=OK), guards=(ANY_STAFF,)
        ),
        Case(
            "tenders:create",
            expect=staff_of_x(
                FORBIDDEN,
                member_y=FORBIDDEN,
                **dict.fromkeys(CONFIGURERS_X | CONFIGURERS_Y, OK),
            ),
            guards=(CONFIGURE, ANY_STAFF),
        ),
        Case(
            "tenders:create",
            expect=staff_of_x(
                FORBIDDEN,
                admin_x=REDIRECT,
                superuser=REDIRECT,
                admin_y=OK,  # X is not among its lessors: the form refuses
                member_y=FORBIDDEN,
            ),
            method="post",
            data=tender_create_data("lessor_x"),
            acts=CONFIGURERS_X,
            label="X",
            guards=(CONFIGURE, ANY_STAFF),
        ),
        Case(
            "tenders:create",
            expect=staff_of_x(
                FORBIDDEN,
                admin_x=OK,
                admin_y=REDIRECT,
                member_y=FORBIDDEN,
                superuser=REDIRECT,
            ),
            method="post",
            data=tender_create_data("lessor_y"),
            acts=CONFIGURERS_Y,
            label="Y",
            guards=(CONFIGURE, ANY_STAFF),
        ),
        Case(
            "tenders:manage",
            tender_pk("draft_x"),
            staff_of_x(OK),
            label="X",
            guards=(STAFF_LESSORS, TENDER_FOR_STAFF),
        ),
        Case(
            "tenders:manage",
            tender_pk("draft_y"),
            staff_of_y(OK),
            label="Y",
            guards=(STAFF_LESSORS, TENDER_FOR_STAFF),
        ),
        Case(
            "tenders:manage",
            lambda w: {"pk": 999999},
            staff_of_x(NOT_FOUND),
            label="unknown",
        ),
        Case(
            "tenders:pdf_preview",
            tender_pk("draft_x"),
            staff_of_x(OK),
            guards=(STAFF_LESSORS,),
        ),
    )
    add(
        *tender_config_cases(
            "tenders:edit",
            "draft_x",
            tender_pk("draft_x"),
            lambda w: tender_data(w, "draft_x", title="Popravljen naslov"),
            label="X",
        ),
        *tender_config_cases(
            "tenders:edit",
            "draft_y",
            tender_pk("draft_y"),
            lambda w: tender_data(w, "draft_y", title="Popravljen naslov"),
            label="Y",
        ),
        *tender_config_cases(
            "tenders:tie_break",
            "draft_x",
            tender_pk("draft_x"),
            lambda w: {"position_1": "young_family", "position_2": "youth"},
            label="X",
        ),
        *tender_config_cases(
            "tenders:tie_break",
            "draft_y",
            tender_pk("draft_y"),
            lambda w: {"position_1": "young_family"},
            label="Y",
        ),
        *tender_config_cases(
            "tenders:amendment_create",
            "published_x",
            tender_pk("published_x"),
            amendment_data("published_x"),
            label="X",
        ),
        *tender_config_cases(
            "tenders:amendment_create",
            "published_y",
            tender_pk("published_y"),
            amendment_data("published_y"),
            label="Y",
        ),
        *tender_config_cases(
            "tenders:child_create",
            "draft_x",
            child("draft_x", "categories"),
            category_data(),
            label="X category",
        ),
        *tender_config_cases(
            "tenders:child_create",
            "draft_x",
            child("draft_x", "conditions"),
            lambda w: dict(CONDITION),
            label="X condition",
        ),
        *tender_config_cases(
            "tenders:child_create",
            "draft_x",
            child("draft_x", "sublists"),
            lambda w: dict(SUBLIST),
            label="X sub-list",
        ),
        *tender_config_cases(
            "tenders:child_create",
            "draft_y",
            child("draft_y", "categories"),
            category_data(),
            label="Y category",
        ),
        *tender_config_cases(
            "tenders:child_edit",
            "draft_x",
            child("draft_x", "categories", "category_x"),
            category_data(category="young_family", points="95"),
            label="X category",
        ),
        *tender_config_cases(
            "tenders:child_edit",
            "draft_x",
            child("draft_x", "conditions", "condition_x"),
            lambda w: {**CONDITION, "points": "20"},
            label="X condition",
        ),
        *tender_config_cases(
            "tenders:child_edit",
            "draft_x",
            child("draft_x", "sublists", "sublist_x"),
            lambda w: {**SUBLIST, "list_kind": "A", "dwellings": "30"},
            label="X sub-list",
        ),
        *tender_config_cases(
            "tenders:child_edit",
            "draft_y",
            child("draft_y", "categories", "category_y"),
            category_data(category="young_family", points="95"),
            label="Y category",
        ),
        *tender_config_cases(
            "tenders:child_delete",
            "draft_x",
            child("draft_x", "categories", "category_x"),
            lambda w: {},
            label="X",
        ),
        *tender_config_cases(
            "tenders:child_delete",
            "draft_y",
            child("draft_y", "categories", "category_y"),
            lambda w: {},
            label="Y",
        ),
        Case(
            "tenders:child_create",
            child("draft_x", "nonsense"),
            configure_x(NOT_FOUND),
            label="unknown kind",
        ),
        Case(
            "tenders:child_edit",
            child("draft_x", "categories", "category_y"),
            configure_x(NOT_FOUND),
            method="post",
            data=category_data(category="young_family", points="95"),
            label="Y's category under X",
        ),
    )
    # The lifecycle: only a lessor admin publishes and archives; the commission and
    # clerks are refused by the service (back to the page, nothing changed).
    transition_guards = (HAS_ROLE, STAFF_LESSORS, ANY_STAFF, TENDER_FOR_STAFF)
    add(
        Case(
            "tenders:transition",
            tender_pk("draft_x"),
            staff_of_x(to_manage("draft_x")),
            method="post",
            data=lambda w: {"to_status": "published"},
            acts=CONFIGURERS_X,
            label="publish X",
            guards=transition_guards,
        ),
        Case(
            "tenders:transition",
            tender_pk("closed_x"),
            staff_of_x(to_manage("closed_x")),
            method="post",
            data=lambda w: {"to_status": "archived"},
            acts=CONFIGURERS_X,
            label="archive X",
            guards=transition_guards,
        ),
        Case(
            "tenders:transition",
            tender_pk("draft_y"),
            staff_of_y(to_manage("draft_y")),
            method="post",
            data=lambda w: {"to_status": "published"},
            acts=CONFIGURERS_Y,
            label="publish Y",
            guards=transition_guards,
        ),
        # GET: the confirmation page, to those who may make the step.
        Case(
            "tenders:transition",
            tender_pk("draft_x"),
            staff_of_x(to_manage("draft_x"), admin_x=OK, superuser=OK),
            query="?to_status=published",
            label="publish X",
            guards=(HAS_ROLE,),
        ),
    )
    add(
        Case(
            "object_history",
            lambda w: {"model": "tender", "pk": w["draft_x"].pk},
            staff_of_x(OK),
            label="tender X",
            guards=(IS_STAFF_OF,),
        ),
        Case(
            "object_history",
            lambda w: {"model": "tender", "pk": w["draft_y"].pk},
            staff_of_y(OK),
            label="tender Y",
            guards=(IS_STAFF_OF,),
        ),
        Case(
            "object_history",
            lambda w: {"model": "lessor", "pk": w["lessor_x"].pk},
            staff_of_x(OK),
            label="lessor X",
            guards=(IS_STAFF_OF,),
        ),
        Case(
            "object_history",
            lambda w: {"model": "user", "pk": w.users[APPLICANT_A].pk},
            staff_of_x(NOT_FOUND),
            label="not audited",
        ),
    )

    # --- applications -----------------------------------------------------------------
    applicants_guards = (EDIT_APPLICATION, REVIEW, STAFF_LESSORS)
    add(
        Case(
            "applications:start",
            lambda w: {"tender_pk": w["published_x"].pk},
            who(
                OK,
                anonymous=LOGIN,
                applicant_a=REDIRECT("applications:detail", "app_a"),
            ),
            label="open",
        ),
        Case(
            "applications:start",
            lambda w: {"tender_pk": w["published_x"].pk},
            who(REDIRECT, anonymous=LOGIN),
            method="post",
            data=lambda w: {},
            # Anyone signed in may apply for themselves; A's application exists.
            acts=LOGGED_IN - OWNER,
            label="open",
        ),
        Case(
            "applications:start",
            lambda w: {"tender_pk": w["draft_x"].pk},
            who(NOT_FOUND, anonymous=LOGIN),
            method="post",
            data=lambda w: {},
            label="draft",
        ),
        Case(
            "applications:paper_start",
            lambda w: {"tender_pk": w["published_x"].pk},
            staff_of_x(NOT_FOUND, **dict.fromkeys(PAPER_X, OK)),
            label="X",
            guards=(REVIEW,),
        ),
        Case(
            "applications:paper_start",
            lambda w: {"tender_pk": w["published_x"].pk},
            staff_of_x(NOT_FOUND, **dict.fromkeys(PAPER_X, REDIRECT)),
            method="post",
            data=lambda w: {"postal_address": "Slovenska cesta 9\n1000 Ljubljana"},
            acts=PAPER_X,
            label="X",
            guards=(REVIEW,),
        ),
        Case(
            "applications:paper_start",
            lambda w: {"tender_pk": w["published_y"].pk},
            staff_of_y(NOT_FOUND, **dict.fromkeys(PAPER_Y, REDIRECT)),
            method="post",
            data=lambda w: {"postal_address": "Koroška cesta 1\n4000 Kranj"},
            acts=PAPER_Y,
            label="Y",
            guards=(REVIEW,),
        ),
        Case("applications:list", expect=login_then(OK)),
        Case("applications:data", expect=login_then(OK)),
        Case("applications:data_json", expect=login_then(OK)),
        Case("applications:data_pdf", expect=login_then(OK)),
    )

    # The pages of one application: A's own draft, X's paper application (its
    # commission and clerks, not its admin), Y's paper application.
    drafts = [
        ("app_a", OWNER, "A"),
        ("paper_x", PAPER_X, "paper X"),
    ]
    for key, may, label in drafts:
        to_detail = REDIRECT("applications:detail", key)
        to_members = REDIRECT("applications:members", key)
        add(
            application_case("applications:detail", key, OK, who_may=may, label=label),
            application_case("applications:check", key, OK, who_may=may, label=label),
            application_case(
                "applications:applicant", key, OK, who_may=may, label=label
            ),
            application_case(
                "applications:applicant",
                key,
                to_detail,
                who_may=may,
                method="post",
                data=member_data(key, "applicant", first_name="Ana Marija"),
                acts=may,
                label=label,
            ),
            application_case("applications:members", key, OK, who_may=may, label=label),
            application_case(
                "applications:members",
                key,
                to_detail,
                who_may=may,
                method="post",
                data=lambda w, key=key: {"expected_version": version(w, key)},
                acts=may,
                label=label,
            ),
            application_case(
                "applications:member_add", key, OK, who_may=may, label=label
            ),
            application_case(
                "applications:member_add",
                key,
                to_members,
                who_may=may,
                method="post",
                data=member_data(key, None),
                acts=may,
                label=label,
            ),
            application_case(
                "applications:member_edit",
                key,
                OK,
                who_may=may,
                pk_kwargs=lambda w, key=key: {
                    "pk": w[key].pk,
                    "member_pk": w[child_key(key)].pk,
                },
                label=label,
            ),
            application_case(
                "applications:member_edit",
                key,
                to_members,
                who_may=may,
                method="post",
                pk_kwargs=lambda w, key=key: {
                    "pk": w[key].pk,
                    "member_pk": w[child_key(key)].pk,
                },
                data=member_data(key, child_key(key), first_name="Lara"),
                acts=may,
                label=label,
            ),
            application_case(
                "applications:member_remove",
                key,
                OK,
                who_may=may,
                pk_kwargs=lambda w, key=key: {
                    "pk": w[key].pk,
                    "member_pk": w[child_key(key)].pk,
                },
                label=label,
            ),
            application_case(
                "applications:member_remove",
                key,
                to_members,
                who_may=may,
                method="post",
                pk_kwargs=lambda w, key=key: {
                    "pk": w[key].pk,
                    "member_pk": w[child_key(key)].pk,
                },
                data=lambda w, key=key: {"expected_version": version(w, key)},
                acts=may,
                label=label,
            ),
            application_case(
                "applications:submit",
                key,
                REDIRECT("applications:confirmation", key),
                who_may=may,
                method="post",
                data=lambda w: {},
                acts=may,
                label=label,
            ),
            application_case(
                "applications:withdraw", key, OK, who_may=may, label=label
            ),
            application_case(
                "applications:withdraw",
                key,
                to_detail,
                who_may=may,
                method="post",
                data=lambda w: {},
                acts=may,
                label=label,
            ),
            application_case(
                "applications:documents", key, OK, who_may=may, label=label
            ),
            application_case(
                "applications:documents",
                key,
                REDIRECT("applications:documents", key),
                who_may=may,
                method="post",
                data=upload_data,
                acts=may,
                label=label,
            ),
        )
        sections = ["housing", "income", "declaration"]
        if key.startswith("paper"):
            sections.append("contact")
        changes = {
            "housing": {"dwelling_area_m2": "45"},
            "income": {},
            "declaration": {"declaration": "on", "consent": "on"},
            "contact": {"postal_address": "Trubarjeva 5\n1000 Ljubljana"},
        }
        for section in sections:
            kwargs = lambda w, key=key, section=section: {  # noqa: E731
                "pk": w[key].pk,
                "section": section,
            }
            add(
                application_case(
                    "applications:section",
                    key,
                    OK,
                    who_may=may,
                    pk_kwargs=kwargs,
                    label=f"{label} {section}",
                ),
                application_case(
                    "applications:section",
                    key,
                    to_detail,
                    who_may=may,
                    method="post",
                    pk_kwargs=kwargs,
                    data=section_data(key, section, **changes[section]),
                    acts=may,
                    label=f"{label} {section}",
                ),
            )
    # Y's paper application: X's staff get 404.
    add(
        application_case(
            "applications:detail", "paper_y", OK, who_may=PAPER_Y, label="paper Y"
        ),
        application_case(
            "applications:section",
            "paper_y",
            REDIRECT("applications:detail", "paper_y"),
            who_may=PAPER_Y,
            method="post",
            pk_kwargs=lambda w: {"pk": w["paper_y"].pk, "section": "housing"},
            data=section_data("paper_y", "housing", dwelling_area_m2="45"),
            acts=PAPER_Y,
            label="paper Y housing",
        ),
        application_case(
            "applications:documents",
            "paper_y",
            REDIRECT("applications:documents", "paper_y"),
            who_may=PAPER_Y,
            method="post",
            data=upload_data,
            acts=PAPER_Y,
            label="paper Y",
        ),
    )
    # A's submitted application: its receipt, correction, amendment answer.
    add(
        application_case(
            "applications:detail", "sub_a", OK, who_may=OWNER, label="submitted"
        ),
        application_case(
            "applications:confirmation", "sub_a", OK, who_may=OWNER, label="submitted"
        ),
        application_case(
            "applications:correct",
            "sub_a",
            REDIRECT("applications:detail", "sub_a"),
            who_may=OWNER,
            method="post",
            data=lambda w: {},
            acts=OWNER,
            label="submitted",
        ),
        application_case(
            "applications:amendment_answer",
            "sub_a",
            OK,
            who_may=OWNER,
            pk_kwargs=lambda w: {
                "pk": w["sub_a"].pk,
                "amendment_pk": w["amendment_a"].pk,
            },
            label="submitted",
        ),
        application_case(
            "applications:amendment_answer",
            "sub_a",
            REDIRECT("applications:detail", "sub_a"),
            who_may=OWNER,
            method="post",
            pk_kwargs=lambda w: {
                "pk": w["sub_a"].pk,
                "amendment_pk": w["amendment_a"].pk,
            },
            data=lambda w: {"answer_text": "Potrdilo pošljem po pošti."},
            acts=OWNER,
            label="submitted",
        ),
        application_case(
            "applications:receipt_pdf",
            "sub_a",
            OK,
            who_may=READERS_X,
            query="?lang=sl",
            setup=render_receipt,
            label="submitted",
        ),
    )
    # Pages that take one method only.
    add(
        Case("applications:submit", tender_pk("app_a"), everyone(NOT_ALLOWED)),
        Case("applications:correct", tender_pk("sub_a"), everyone(NOT_ALLOWED)),
        Case(
            "applications:check",
            tender_pk("app_a"),
            everyone(NOT_ALLOWED),
            method="post",
            data=lambda w: {},
        ),
        Case(
            "applications:confirmation",
            tender_pk("sub_a"),
            everyone(NOT_ALLOWED),
            method="post",
            data=lambda w: {},
        ),
    )
    # Documents: A's and a paper application's.
    for key, readers, editors in (
        ("document_a", READERS_X, OWNER),
        ("document_paper_x", PAPER_X, PAPER_X),
    ):
        owner = "app_a" if key == "document_a" else "paper_x"
        add(
            Case(
                "applications:document_download",
                tender_pk(key),
                only(readers, OK),
                label=key,
                guards=applicants_guards,
            ),
            Case(
                "applications:document_delete",
                tender_pk(key),
                only(editors, REDIRECT("applications:documents", owner)),
                method="post",
                data=lambda w: {},
                acts=editors,
                label=key,
                guards=applicants_guards,
            ),
        )
    add(
        Case(
            "applications:document_delete",
            tender_pk("document_a"),
            everyone(NOT_ALLOWED),
        ),
    )

    # --- background jobs (the jobs app, when installed) ----------------------------------
    from django.apps import apps

    if apps.is_installed("jobs"):
        job_guards = ("jobs.permissions.can_see_job", IS_STAFF_OF)
        own = {MEMBER_X, SUPERUSER}  # a job without a lessor: whoever started it
        for name in ("jobs:detail", "jobs:status"):
            add(
                Case(
                    name,
                    tender_pk("job_x"),
                    staff_of_x(OK),
                    label="X",
                    guards=job_guards,
                ),
                Case(
                    name,
                    tender_pk("job_own"),
                    staff_of_x(NOT_FOUND, **dict.fromkeys(own, OK)),
                    label="no lessor",
                    guards=job_guards,
                ),
            )
        add(
            Case(
                "jobs:retry",
                tender_pk("job_x"),
                staff_of_x(REDIRECT("jobs:detail", "job_x")),
                method="post",
                data=lambda w: {},
                acts=GROUPS["x_staff"] | {SUPERUSER},
                label="X",
                guards=job_guards,
            ),
            Case(
                "jobs:retry",
                tender_pk("job_own"),
                staff_of_x(
                    NOT_FOUND, **dict.fromkeys(own, REDIRECT("jobs:detail", "job_own"))
                ),
                method="post",
                data=lambda w: {},
                acts=own,
                label="no lessor",
                guards=job_guards,
            ),
            Case("jobs:retry", tender_pk("job_x"), everyone(NOT_ALLOWED)),
        )

    # --- the commission's review (issue 13), once its pages are in the URLs -----------
    from django.urls import get_resolver as _resolver

    if "review" in _resolver().namespace_dict:
        add(*review_cases())

    # --- priority lists (issue 14): the tender's and the applicant's pages ------------
    if "lists" in _resolver().namespace_dict:
        # Who may see the review pages may see the lists; others 404 (also X's clerk
        # without a seat: here 404, not 403).
        list_viewers = staff_of_x(
            NOT_FOUND, **dict.fromkeys({ADMIN_X, CHAIR_X, MEMBER_X, SUPERUSER}, OK)
        )
        list_guards = ("lists.permissions.can_view_lists",)
        add(
            Case(
                "lists:tender",
                tender_pk("published_x2"),
                list_viewers,
                guards=list_guards,
            ),
            Case(
                "lists:tender",
                tender_pk("published_x2"),
                staff_of_x(
                    NOT_FOUND,
                    **dict.fromkeys(
                        {ADMIN_X, CHAIR_X, MEMBER_X, SUPERUSER},
                        REDIRECT("lists:tender", "published_x2"),
                    ),
                ),
                method="post",
                data=lambda w: {},  # nothing verified yet: the build is refused
                label="limited: refused build",
                guards=list_guards,
            ),
            Case(
                "lists:standing",
                lambda w: {"application_pk": w["sub_a"].pk},
                only({APPLICANT_A, ADMIN_X, CHAIR_X, MEMBER_X, SUPERUSER}, OK),
                guards=("review.permissions.can_view_tender",),
            ),
        )
        add(*list_cases())

    # The applicant's issued scoring record (issue 13, 7): the owner only; none is
    # issued for A's application here, so 404 for everyone signed in (limited case).
    add(
        Case(
            "applications:scoring_record_pdf",
            tender_pk("sub_a"),
            only(set(), OK),
            label="limited: none issued",
        )
    )

    # --- decisions, appeals and the final list (issue 14) ----------------------------
    if "lists" in _resolver().namespace_dict:
        add(*decision_cases())

    # --- accounts --------------------------------------------------------------------
    any_signed_in = login_then(OK)  # applicants may set up a second factor too
    add(
        Case("login_continue", expect=login_then(REDIRECT("home"))),
        Case("otp_setup", expect=any_signed_in),
        Case(
            "otp_setup",
            expect=any_signed_in,
            method="post",
            data=lambda w: {"token": "000000"},  # a wrong code: nothing to prove here
            label="wrong code",
        ),
        Case(
            "otp_verify",
            expect=who(REDIRECT("home"), anonymous=LOGIN, applicants=FORBIDDEN),
        ),
        Case(
            "otp_verify",
            expect=who(REDIRECT("home"), anonymous=LOGIN, applicants=FORBIDDEN),
            method="post",
            data=lambda w: {"token": "123456"},
        ),
        Case("password_reset", expect=everyone(OK)),
        Case(
            "password_reset",
            expect=everyone(REDIRECT("password_reset_done")),
            method="post",
            data=lambda w: {"email": "a@example.test"},
        ),
        Case("password_reset_done", expect=everyone(OK)),
        Case("password_reset_complete", expect=everyone(OK)),
        Case(
            "password_reset_confirm",
            lambda w: {"uidb64": "MQ", "token": "bad-token"},
            everyone(OK),
            label="bad token",
        ),
        Case(
            "password_reset_confirm",
            reset_url,
            everyone(REDIRECT),
            label="A's token",
        ),
        Case(
            "password_reset_confirm",
            lambda w: {**reset_url(w), "token": "set-password"},
            everyone(REDIRECT("password_reset_complete")),
            method="post",
            prepare=lambda client, w: client.get(
                reverse("password_reset_confirm", kwargs=reset_url(w))
            ),
            data=lambda w: {
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            # Whoever holds the emailed link sets A's password, signed in or not.
            acts=EVERYONE,
            label="A's token, new password",
        ),
        Case("password_change", expect=login_then(OK)),
        Case(
            "password_change",
            expect=login_then(REDIRECT("password_change_done")),
            method="post",
            data=lambda w: {
                "old_password": "Correct-horse-battery-9",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            acts=LOGGED_IN,  # each their own password
        ),
        Case("password_change_done", expect=login_then(OK)),
        Case("login", expect=who(REDIRECT, anonymous=OK)),
        Case(
            "login",
            expect=who(REDIRECT, anonymous=REDIRECT("home")),
            method="post",
            data=lambda w: {
                "username": "a@example.test",
                "password": "Correct-horse-battery-9",
            },
            acts={ANONYMOUS},  # A's last login
        ),
        Case("logout", expect=everyone(NOT_ALLOWED)),
        Case(
            "logout",
            expect=everyone(REDIRECT("home")),
            method="post",
            data=lambda w: {},
        ),
        Case(
            "set_language",
            expect=everyone(REDIRECT),
            method="post",
            data=lambda w: {"language": "en"},
        ),
        # Accounts (issue 12): everyone acts on their own account only.
        Case("account", expect=login_then(OK)),
        Case(
            "account",
            expect=login_then(REDIRECT("account")),
            method="post",
            data=lambda w: {"full_name": "Novo Ime", "preferred_language": "en"},
            acts=LOGGED_IN,  # each their own name
        ),
        Case("login_code", expect=who(REDIRECT("home"), anonymous=LOGIN)),
        Case(
            "login_code",
            expect=who(REDIRECT("home"), anonymous=LOGIN),
            method="post",
            data=lambda w: {"token": "123456"},
        ),
        Case("register", expect=who(REDIRECT("account"), anonymous=OK)),
        Case(
            "register",
            expect=who(REDIRECT("account"), anonymous=REDIRECT("register_done")),
            method="post",
            data=lambda w: {
                "full_name": "Nova Oseba",
                "email": "nova@example.test",
                "password": NEW_PASSWORD,
            },
            acts={ANONYMOUS},
        ),
        Case("register_done", expect=everyone(OK)),
        Case("verification_resend", expect=everyone(OK)),
        Case(
            "verification_resend",
            expect=everyone(REDIRECT("register_done")),
            method="post",
            data=lambda w: {"email": "unverified@example.test"},
        ),
        Case(
            "account_verify",
            lambda w: {"token": "bad-token"},
            everyone(OK),
            label="bad link",
        ),
        Case("account_verify", verify_token, everyone(OK), label="link"),
        Case(
            "account_verify",
            verify_token,
            # The link and the password open the account, whoever is signed in.
            everyone(REDIRECT("account")),
            method="post",
            data=lambda w: {"password": "Correct-horse-battery-9"},
            acts=EVERYONE,
            label="link",
        ),
        Case("otp_remove", expect=who(NOT_ALLOWED, anonymous=LOGIN)),
        Case(
            "otp_remove",
            expect=who(
                FORBIDDEN, anonymous=LOGIN, applicants=REDIRECT("account")
            ),  # staff must keep theirs
            method="post",
            data=lambda w: {},
        ),
        # The admin's own entry and exit pages answer everyone.
        Case("admin:login", expect=everyone(ANY)),
        Case("admin:logout", expect=everyone(ANY)),
        Case("admin:jsi18n", expect=everyone(ANY)),
        Case(
            "admin:None",
            expect=who(DENIED, superuser=ANY),
            url="/admin/no-such-page/",
        ),
    )
    return m


def open_review(w: World) -> None:
    from review import services

    services.review_open(application=w["sub_a"], by=None)


def review_version(w: World) -> int:
    from review.models import ApplicationReview

    return ApplicationReview.objects.get(application=w["sub_a"]).row_version


def review_cases() -> list[Case]:
    """A's submitted application's tender (X's): its commission (chair and member of
    X sit on it), X's admin (sets the seats, sees lists and states) and the superuser
    see the pages; X's clerk, without a seat, 403; Y's staff 404."""
    tender = tender_pk("published_x2")
    application = tender_pk("sub_a")
    guards = ("review.permissions.can_view_tender", IS_STAFF_OF)

    def viewers(outcome, **actors):
        return staff_of_x(outcome, clerk_x=FORBIDDEN, **actors)

    seated = {CHAIR_X, MEMBER_X}
    see_all = seated | {ADMIN_X, SUPERUSER}
    setters = {ADMIN_X, SUPERUSER}
    to_seats = REDIRECT("review:seats", "published_x2")
    seat_guards = ("review.permissions.can_set_seats", *guards)
    return [
        Case("review:dashboard", tender, viewers(OK), guards=guards),
        Case("review:queue", tender, viewers(OK), guards=guards),
        Case(
            "review:export",
            lambda w: {"pk": w["published_x2"].pk, "fmt": "csv"},
            viewers(OK),
            guards=guards,
        ),
        Case(
            "review:open_all",
            tender,
            viewers(REDIRECT("review:queue", "published_x2")),
            method="post",
            data=lambda w: {},
            acts=see_all,
            guards=guards,
        ),
        Case("review:seats", tender, viewers(OK), guards=guards),
        Case(
            "review:seats",
            tender,
            viewers(FORBIDDEN, **dict.fromkeys(setters, to_seats)),
            method="post",
            data=lambda w: {"user": str(w.users[CLERK_X].pk), "role": "clerk"},
            acts=setters,
            guards=seat_guards,
        ),
        Case(
            "review:seat_remove",
            tender,
            viewers(FORBIDDEN, **dict.fromkeys(setters, to_seats)),
            method="post",
            data=lambda w: {"user": str(w.users[MEMBER_X].pk)},
            acts=setters,
            guards=seat_guards,
        ),
        Case(
            "review:bulk_confirm",
            tender,
            viewers(REDIRECT("review:queue", "published_x2")),
            method="post",
            data=lambda w: {},  # no facts chosen: refused by the form (limited case)
            guards=guards,
        ),
        Case("review:detail", application, viewers(OK), guards=guards),
        Case(
            "review:open",
            application,
            viewers(REDIRECT("review:detail", "sub_a")),
            method="post",
            data=lambda w: {},
            acts=see_all,
            guards=guards,
        ),
        Case(
            "review:fact",
            application,
            viewers(OK),
            setup=open_review,
            query=lambda w: (
                "?path=" + w["sub_a"].review.facts.order_by("pk").first().path
            ),
            guards=guards,
        ),
        Case(
            "review:confirm",
            lambda w: {"pk": w["sub_a"].pk, "action": "record"},
            viewers(OK),  # the page only; the step is the action's POST
            setup=open_review,
            label="record",
            guards=guards,
        ),
        Case(
            "review:action",
            lambda w: {"pk": w["sub_a"].pk, "action": "conflict"},
            # Only a seat holder declares a conflict; the admin and the superuser
            # get the page back with the service's refusal.
            viewers(
                OK,
                chair_x=REDIRECT("review:detail", "sub_a"),
                member_x=REDIRECT("review:detail", "sub_a"),
            ),
            method="post",
            setup=open_review,
            data=lambda w: {
                "conflict-expected_version": str(review_version(w)),
                "conflict-reason": "Sorodnik prosilke.",
            },
            acts=seated,
            label="conflict",
            guards=("review.permissions.seat_role", *guards),
        ),
        Case(
            "review:record",
            application,
            viewers(NOT_FOUND),  # no scoring record issued yet (limited case)
            setup=open_review,
            guards=guards,
        ),
        # The tender's declared conflicts: its seat holders only (not X's admin nor
        # the superuser, who see the other pages).
        Case(
            "review:conflicts",
            tender,
            viewers(OK, admin_x=FORBIDDEN, superuser=FORBIDDEN),
            setup=conflict_on_sub_a,
            guards=("review.permissions.can_see_conflicts", *guards),
        ),
        # An inspection photo (special-category data): the commission without a
        # conflict on the application; X's member declared one here. The chair's
        # download is logged (SpecialDataView): not checked as a write.
        Case(
            "review:photo",
            lambda w: {"pk": w["photo_a"].pk},
            viewers(
                FORBIDDEN,
                chair_x=OK,
                member_x=FORBIDDEN,
            ),
            setup=inspection_with_photo,
            may={CHAIR_X},
            label="member's conflict",
            guards=("review.permissions.can_read_special", *guards),
        ),
        Case(
            "review:photo",
            lambda w: {"pk": w["photo_a"].pk},
            viewers(FORBIDDEN, chair_x=OK, member_x=OK),
            setup=inspection_with_photo_no_conflict,
            may={CHAIR_X, MEMBER_X},
            guards=("review.permissions.can_read_special", *guards),
        ),
        Case(
            "review:photo",
            lambda w: {"pk": 10**8},
            staff_of_x(NOT_FOUND),
            label="none",
        ),
        *review_conflict_cases(),
    ]


# --- a commission member with a declared conflict on A's application (issue 13) ------


def conflict_on_sub_a(w: World) -> None:
    """X's member declares a conflict of interest on A's submitted application."""
    from review import services

    open_review(w)
    services.conflict_declare(
        tender=w["published_x2"],
        application=w["sub_a"],
        reason="Sorodnik prosilke.",
        by=w.users[MEMBER_X],
    )


def png_upload(name: str = "kopalnica.png") -> SimpleUploadedFile:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 60, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _inspection_with_photo(w: World) -> None:
    from review import services
    from review.models import ApplicationReview

    review = ApplicationReview.objects.get(application=w["sub_a"])
    inspection = services.inspection_record(
        review=review,
        date=timezone.localdate(),
        present=[w.users[CHAIR_X]],
        findings="Vlaga v kopalnici.",
        photo_files=[png_upload()],
        expected_version=review.row_version,
        by=w.users[CHAIR_X],
    )
    w.objects["photo_a"] = inspection.uploaded_photos.get()


def inspection_with_photo(w: World) -> None:
    conflict_on_sub_a(w)
    _inspection_with_photo(w)


def inspection_with_photo_no_conflict(w: World) -> None:
    open_review(w)
    _inspection_with_photo(w)


def _draft_rejection(w: World) -> None:
    from review import services
    from review.models import ApplicationReview

    review = ApplicationReview.objects.get(application=w["sub_a"])
    services.rejection_draft(
        review=review,
        reason="Dopolnitev ni prispela v roku.",
        article="20(3)",
        expected_version=review.row_version,
        by=w.users[CHAIR_X],
    )


def _all_confirmed(w: World) -> None:
    """A's application complete and every fact confirmed by X's chair (the open
    amendment request answered first)."""
    from applications.models import AmendmentRequest
    from review import services
    from review.models import ApplicationReview

    AmendmentRequest.objects.filter(application=w["sub_a"]).update(status="answered")
    chair = w.users[CHAIR_X]
    review = ApplicationReview.objects.get(application=w["sub_a"])
    services.completeness_mark_complete(
        review=review, expected_version=review.row_version, by=chair
    )
    for path in review.facts.order_by("pk").values_list("path", flat=True):
        review.refresh_from_db()
        services.fact_confirm(
            review=review, path=path, expected_version=review.row_version, by=chair
        )


def _verified(w: World) -> None:
    """As :func:`_all_confirmed`, and the assessment verified by X's chair."""
    from review import services
    from review.models import ApplicationReview

    _all_confirmed(w)
    review = ApplicationReview.objects.get(application=w["sub_a"])
    services.review_verify(
        review=review, expected_version=review.row_version, by=w.users[CHAIR_X]
    )


def _member_pk(w: World) -> int:
    from review.models import ApplicationReview

    return ApplicationReview.objects.get(application=w["sub_a"]).member_pks[0]


def review_conflict_cases() -> list[Case]:
    """Every page and POST about A's application with X's member's declared conflict
    on it: the member is refused and nothing changes; X's chair (no conflict) acts,
    so each case also proves the request works. X's admin and the superuser get the
    page back with the service's refusal (no seat); X's clerk (no seat) 403.

    GET pages of the review stay readable by the member (200: the steps are not
    offered and special-category data is masked, review.views), except the
    downloads of special-category files (scoring record, photos): 403."""
    detail = REDIRECT("review:detail", "sub_a")

    def viewers(outcome, **actors):
        return staff_of_x(outcome, clerk_x=FORBIDDEN, **actors)

    ANCHORED = {"confirm", "correct", "reject", "record"}

    def action(name, data, *, extra=None, label=""):
        def setup(w: World) -> None:
            conflict_on_sub_a(w)
            if extra is not None:
                extra(w)

        def post(w: World) -> dict:
            from review.models import ApplicationReview

            version = ApplicationReview.objects.get(application=w["sub_a"]).row_version
            values = {"expected_version": str(version), **data(w)}
            return {f"{name}-{key}": value for key, value in values.items()}

        return Case(
            "review:action",
            lambda w: {"pk": w["sub_a"].pk, "action": name},
            # The fact steps and the record go back to an anchor of the page.
            viewers(OK, chair_x=REDIRECT if name in ANCHORED else detail),
            method="post",
            setup=setup,
            data=post,
            acts={CHAIR_X},
            label=f"{label or name}: member's conflict",
            guards=("review.permissions.can_act",),
        )

    def later(*steps):
        def run(w: World) -> None:
            for step in steps:
                step(w)

        return run

    def record(w: World) -> None:
        from review import services
        from review.models import ApplicationReview

        review = ApplicationReview.objects.get(application=w["sub_a"])
        services.record_issue(
            review=review, expected_version=review.row_version, by=w.users[CHAIR_X]
        )

    app_pk = tender_pk("sub_a")
    return [
        Case(
            "review:detail",
            app_pk,
            viewers(OK),
            setup=conflict_on_sub_a,
            label="member's conflict: read only",
        ),
        Case(
            "review:fact",
            app_pk,
            viewers(OK),
            setup=conflict_on_sub_a,
            query=lambda w: f"?path=members[{_member_pk(w)}].monthly_income",
            label="member's conflict: read only",
        ),
        action(
            "amendment",
            lambda w: {"text": "Priložite plačilno listo.", "deadline": ""},
        ),
        action(
            "confirm",
            lambda w: {"path": f"members[{_member_pk(w)}].citizenship"},
        ),
        action(
            "correct",
            lambda w: {
                "path": f"members[{_member_pk(w)}].monthly_income",
                "value": "1000.00",
                "reason": "Plačilna lista.",
            },
        ),
        action(
            "reject",
            lambda w: {
                "path": f"members[{_member_pk(w)}].owns_dwelling",
                "reason": "Zemljiška knjiga.",
            },
        ),
        action(
            "draft_rejection",
            lambda w: {"article": "3", "reason": "Preseženi dohodki."},
        ),
        action(
            "withdraw_rejection",
            lambda w: {"reason": "Dopolnitev je prispela po pošti."},
            extra=_draft_rejection,
        ),
        action(
            "issue_rejection",
            lambda w: {},
            extra=_draft_rejection,
        ),
        action(
            "inspection",
            lambda w: {
                "date": timezone.localdate().isoformat(),
                "present": [str(w.users[CHAIR_X].pk)],
                "findings": "Vlaga v kopalnici.",
                "photos": png_upload(),
            },
        ),
        action(
            "complete",
            lambda w: {},
            extra=lambda w: (
                type(w["amendment_a"])
                .objects.filter(pk=w["amendment_a"].pk)
                .update(status="answered")
            ),
        ),
        action("verify", lambda w: {}, extra=_all_confirmed),
        action("record", lambda w: {}, extra=_verified),
        Case(
            "review:confirm",
            lambda w: {"pk": w["sub_a"].pk, "action": "record"},
            viewers(OK),  # the page only; the POST above is refused
            setup=later(conflict_on_sub_a, _verified),
            label="record: member's conflict",
        ),
        Case(
            "review:record",
            app_pk,
            viewers(FORBIDDEN, chair_x=OK),
            setup=later(conflict_on_sub_a, _verified, record),
            may={CHAIR_X},  # the chair's download is logged (SpecialDataView)
            label="member's conflict",
            guards=("review.permissions.can_read_special",),
        ),
    ]


# --- priority lists (issue 14): versions of a closed tender -------------------------

VIEW_LISTS = "lists.permissions.can_view_lists"
VIEW_VERSION = "lists.permissions.can_view_version"
BUILD_LISTS = "lists.permissions.can_build_lists"
APPROVE_LIST = "lists.permissions.can_approve_list"


def make_lists(w: World) -> None:
    from .world import make_list_objects

    w.ensure("lists", make_list_objects)


def version_pk(key):
    return lambda w: {"pk": w[key].pk}


def approve_draft(w: World) -> None:
    from lists import services

    services.list_approve(version=w["list_draft_x"], by=w.users[MEMBER_X])


def build_as_admin(w: World) -> None:
    """A new draft built by X's admin (it supersedes version 2 in this case only)."""
    from lists import services

    w.objects["list_admin_draft_x"] = services.list_build(
        tender=w["lists_x"], by=w.users[ADMIN_X]
    )


def member_conflict(w: World) -> None:
    from review import services

    services.conflict_declare(
        tender=w["lists_x"], reason="Sorodnik prosilke.", by=w.users[MEMBER_X]
    )


def cutoff_data(w: World) -> dict:
    return {"sub_list": "B1", "cutoff": "3", "reason": "Manj stanovanj."}


def list_cases() -> list[Case]:
    """X's lists tender seats X's chair, member and clerk; X's admin and the
    superuser see it too (lists.permissions). Version 1 is published, version 2 a
    draft built by X's chair; Y's tender has a draft (Y's member seated).

    Public pages: a published version answers anyone; a draft only its tender's
    viewers, everyone else 404 (anonymous too: no login page for a public URL).
    Staff pages: the same viewers; others of staff 404, applicants 403. Changes
    (cut-off, publication): the chair and member (no conflict), X's admin, the
    superuser, never the clerk; approval: the chair or member who did not build
    it, never the admin or the superuser."""
    x_viewers = {ADMIN_X, CHAIR_X, MEMBER_X, CLERK_X, SUPERUSER}
    y_viewers = {ADMIN_Y, MEMBER_Y, SUPERUSER}
    builders = {ADMIN_X, CHAIR_X, MEMBER_X, SUPERUSER}
    draft, published, draft_y = (
        version_pk("list_draft_x"),
        version_pk("list_published_x"),
        version_pk("list_draft_y"),
    )
    public = (VIEW_VERSION, VIEW_LISTS)
    staff = (VIEW_LISTS,)

    def public_draft(viewers):
        return who(NOT_FOUND, **dict.fromkeys(viewers, OK))

    def kw(key, **more):
        return lambda w: {"pk": w[key].pk, **more}

    to_manage = REDIRECT("lists:manage", "list_draft_x")
    cases: list[Case] = []
    # Public pages: version, PDFs, exports.
    for name, more in (
        ("lists:version", {}),
        ("lists:export", {"fmt": "csv"}),
        ("lists:export", {"fmt": "xlsx"}),
    ):
        label = more.get("fmt", "")
        cases += [
            Case(
                name,
                kw("list_published_x", **more),
                everyone(OK),
                label=f"published {label}".strip(),
            ),
            Case(
                name,
                kw("list_draft_x", **more),
                public_draft(x_viewers),
                label=f"draft X {label}".strip(),
                guards=public,
            ),
            Case(
                name,
                kw("list_draft_y", **more),
                public_draft(y_viewers),
                label=f"draft Y {label}".strip(),
                guards=public,
            ),
        ]
    cases += [
        Case(
            "lists:version_pdf",
            kw("list_published_x", language=language),
            everyone(OK),
            label=f"published {language}",
        )
        for language in ("sl", "en")
    ]
    cases += [
        # A draft has no PDF (rendered at publication): 404 for everyone.
        Case(
            "lists:version_pdf",
            kw("list_draft_x", language="sl"),
            everyone(NOT_FOUND),
            label="draft X",
        ),
        Case("lists:version", draft, everyone(NOT_ALLOWED), method="post"),
    ]
    # Staff pages: manage, diff, the publication's confirmation.
    for name in ("lists:manage", "lists:diff", "lists:publish"):
        cases.append(Case(name, draft, staff_of_x(OK), label="draft X", guards=staff))
        if name != "lists:diff":  # Y's only version has nothing to compare with
            cases.append(
                Case(name, draft_y, staff_of_y(OK), label="draft Y", guards=staff)
            )
    cases += [
        Case("lists:manage", published, staff_of_x(OK), label="published X"),
        Case("lists:manage", draft, everyone(NOT_ALLOWED), method="post"),
        Case("lists:diff", draft, everyone(NOT_ALLOWED), method="post"),
    ]
    # The internal list with names (issue 14, 3): the commission of X only (chair,
    # member, clerk); X's admin and the superuser (no seat) 404 like everyone else.
    internal = "lists.permissions.can_view_internal_list"
    commission_x = {CHAIR_X, MEMBER_X, CLERK_X}
    cases += [
        Case(
            "lists:internal_pdf",
            kw("list_published_x", language=language),
            staff_of_x(NOT_FOUND, **dict.fromkeys(commission_x, OK)),
            label=f"published {language}",
            guards=(internal,),
        )
        for language in ("sl", "en")
    ]
    cases += [
        Case(
            "lists:internal_pdf",
            kw("list_published_x", language="sl"),
            staff_of_x(NOT_FOUND, **dict.fromkeys(commission_x - {MEMBER_X}, OK)),
            setup=member_conflict,
            label="published sl, member's conflict on the tender",
            guards=(internal,),
        ),
        # A draft has no internal PDF (rendered at publication).
        Case(
            "lists:internal_pdf",
            kw("list_draft_x", language="sl"),
            staff_of_x(NOT_FOUND),
            label="draft X",
        ),
        Case(
            "lists:internal_pdf",
            kw("list_published_x", language="sl"),
            everyone(NOT_ALLOWED),
            method="post",
        ),
    ]
    # Cut-off: a new draft version (its own page: a redirect, no fixed target).
    cases += [
        Case(
            "lists:cutoff",
            draft,
            staff_of_x(OK, **dict.fromkeys(builders, REDIRECT)),
            method="post",
            data=cutoff_data,
            acts=builders,
            label="draft X",
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
        Case(
            "lists:cutoff",
            draft,
            staff_of_x(OK, **dict.fromkeys(builders - {MEMBER_X}, REDIRECT)),
            method="post",
            data=cutoff_data,
            acts=builders - {MEMBER_X},
            setup=member_conflict,
            label="member's conflict",
            guards=(BUILD_LISTS,),
        ),
        Case(
            "lists:cutoff",
            draft_y,
            staff_of_y(REDIRECT),
            method="post",
            data=cutoff_data,
            acts=y_viewers,
            label="draft Y",
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
        Case("lists:cutoff", draft, everyone(NOT_ALLOWED)),
    ]
    # Approval (four eyes): every viewer is sent back to the version's page.
    cases += [
        Case(
            "lists:approve",
            draft,
            staff_of_x(to_manage),
            method="post",
            data=lambda w: {},
            acts={MEMBER_X},
            label="built by the chair",
            guards=(APPROVE_LIST, VIEW_LISTS),
        ),
        Case(
            "lists:approve",
            version_pk("list_admin_draft_x"),
            staff_of_x(REDIRECT("lists:manage", "list_admin_draft_x")),
            method="post",
            data=lambda w: {},
            acts={CHAIR_X, MEMBER_X},
            setup=build_as_admin,
            label="built by the admin",
            guards=(APPROVE_LIST,),
        ),
        Case(
            "lists:approve",
            draft_y,
            staff_of_y(REDIRECT("lists:manage", "list_draft_y")),
            method="post",
            data=lambda w: {},
            label="draft Y, its builder",  # Y's only seat built it
            guards=(VIEW_LISTS,),
        ),
        Case("lists:approve", draft, everyone(NOT_ALLOWED)),
    ]
    # Publication: only once approved.
    cases += [
        Case(
            "lists:publish",
            draft,
            # Publication runs as a background job: the POST starts it (a job row)
            # for those who may publish; everyone is sent back to the version.
            staff_of_x(to_manage),
            method="post",
            data=lambda w: {"confirm": "on"},
            acts=builders,
            setup=approve_draft,
            label="approved X",
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
        Case(
            "lists:publish",
            draft,
            staff_of_x(to_manage),
            method="post",
            data=lambda w: {"confirm": "on"},
            label="draft X: not approved",
            guards=(VIEW_LISTS,),
        ),
    ]
    for case in cases:
        case.needs = make_lists
    return cases


# --- decisions, appeals and the final list (issue 14) -----------------------------

MISSING = 2_000_000_000  # no object has this pk


def missing(*names):
    return lambda w: dict.fromkeys(names, MISSING)


def pk_of(key):
    return lambda w: {"pk": w[key].pk}


def make_decisions(w: World) -> None:
    """X's published version's decisions (one per application, issued by X's chair)
    and an appeal against the first, recorded by X's clerk; Y's lists have none.
    The applicant's own decision: the second application is handed to applicant A
    (a shortcut: the decision's page checks only its owner)."""
    make_lists(w)

    def build(w: World) -> None:
        from applications.models import Application
        from lists import services

        first, second = sorted(
            services.decisions_issue(
                version=w["list_published_x"], by=w.users[CHAIR_X]
            ),
            key=lambda d: d.pk,
        )
        Application.objects.filter(pk=second.application_id).update(
            applicant=w.users[APPLICANT_A]
        )
        w.objects["decision_x"] = first
        w.objects["decision_a"] = second
        w.objects["appeal_x"] = services.appeal_record(
            decision=first,
            received_on=today(),
            grounds="Točke niso prav preštete.",
            by=w.users[CLERK_X],
        )

    w.ensure("decisions", build)


def today():
    from django.utils import timezone

    return timezone.localdate()


def undelivered(w: World) -> None:
    """The second decision as a paper applicant's: its delivery not recorded yet."""
    from lists.models import Decision
    from tests.lists.guards import guards_off

    with guards_off(Decision):  # a forged state: the PostgreSQL trigger refuses it
        Decision.objects.filter(pk=w["decision_a"].pk).update(delivered_at=None)


def appeals_over(w: World) -> None:
    """40 days later: every decision delivered long ago, the appeal rejected."""
    import datetime

    from django.utils import timezone

    from lists.constants import AppealOutcome
    from lists.models import Appeal, Decision
    from tests.lists.guards import guards_off

    long_ago = timezone.now() - datetime.timedelta(days=40)
    with guards_off(Decision, Appeal):  # forged: the PostgreSQL triggers refuse it
        Decision.objects.filter(version__tender=w["lists_x"]).update(
            issued_at=long_ago, delivered_at=long_ago
        )
        Appeal.objects.filter(pk=w["appeal_x"].pk).update(
            outcome=AppealOutcome.REJECTED,
            outcome_reason="Neutemeljena.",
            decided_by=w.users[CHAIR_X],
            decided_at=long_ago,
            received_on=long_ago.date(),
        )


def decision_cases() -> list[Case]:
    """Decisions on X's published version, an appeal, the final list (issue 14).

    Staff pages: the viewers of X's lists (X's admin, chair, member and clerk, the
    superuser); Y's staff 404, applicants 403, anonymous the login page. Issuing
    the decisions, deciding an appeal and the final list: those who build the lists
    (never the clerk); delivery and a new appeal: every viewer (every seat and X's
    admin: ``can_record_appeals`` is no narrower than ``can_view_lists`` here, so it
    is no guard of these cases). The applicant's decision PDF: its owner only (staff
    use the staff link). Objects that do not exist: 404 (limited cases)."""
    builders = {ADMIN_X, CHAIR_X, MEMBER_X, SUPERUSER}
    viewers = builders | {CLERK_X}
    published = version_pk("list_published_x")
    decision = pk_of("decision_x")
    to_appeals = REDIRECT("lists:appeals", "lists_x")
    view = (VIEW_LISTS,)
    cases: list[Case] = [
        Case(
            "lists:decision_pdf",
            lambda w: {
                "application_pk": w["decision_a"].application_id,
                "pk": w["decision_a"].pk,
            },
            only({APPLICANT_A}, OK),
            label="A's decision",
        ),
        Case(
            "lists:decision_pdf",
            lambda w: {
                "application_pk": w["decision_x"].application_id,
                "pk": w["decision_a"].pk,
            },
            only(set(), OK),
            label="A's decision, another application",
        ),
        Case("lists:decision_pdf_staff", decision, staff_of_x(OK), guards=view),
        Case(
            "lists:decisions",
            published,
            staff_of_x(OK),
            label="published X",
            guards=view,
        ),
        Case(
            "lists:decisions",
            published,
            staff_of_x(
                OK,
                **dict.fromkeys(
                    builders, REDIRECT("lists:decisions", "list_published_x")
                ),
            ),
            method="post",
            # Issued in a background job: the POST starts it (a job row).
            data=lambda w: {"confirm": "on"},
            acts=builders,
            label="published X",
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
        Case(
            "lists:decisions",
            version_pk("list_draft_y"),
            staff_of_y(OK),
            label="draft Y",
            guards=view,
        ),
        Case("lists:appeals", tender_pk("lists_x"), staff_of_x(OK), guards=view),
        Case(
            "lists:appeals",
            tender_pk("lists_y"),
            staff_of_y(OK),
            label="Y",
            guards=view,
        ),
        Case(
            "lists:delivery",
            pk_of("decision_a"),
            staff_of_x(to_appeals),
            method="post",
            data=lambda w: {"delivered_on": today().isoformat()},
            acts=viewers,
            setup=undelivered,
            label="paper decision",
            guards=view,
        ),
        Case(
            "lists:delivery",
            pk_of("decision_a"),
            staff_of_x(to_appeals),
            method="post",
            data=lambda w: {"delivered_on": today().isoformat()},
            label="already delivered",
            guards=view,
        ),
        Case("lists:appeal_new", decision, staff_of_x(OK), guards=view),
        Case(
            "lists:appeal_new",
            pk_of("decision_a"),
            staff_of_x(to_appeals),
            method="post",
            data=lambda w: {
                "received_on": today().isoformat(),
                "grounds": "Otrok ni upoštevan.",
            },
            acts=viewers,
            guards=view,
        ),
        Case("lists:appeal_decide", pk_of("appeal_x"), staff_of_x(OK), guards=view),
        Case(
            "lists:appeal_decide",
            pk_of("appeal_x"),
            # The clerk gets the form back with the service's refusal.
            staff_of_x(OK, **dict.fromkeys(builders, to_appeals)),
            method="post",
            data=lambda w: {"outcome": "rejected", "reason": "Neutemeljena."},
            acts=builders,
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
        Case("lists:final", published, staff_of_x(OK), guards=view),
        Case(
            "lists:final",
            published,
            staff_of_x(REDIRECT("lists:final", "list_published_x")),
            method="post",
            data=lambda w: {"confirm": "on"},
            label="appeal pending",
            guards=view,
        ),
        Case(
            "lists:final",
            published,
            # The final list's page is public (lists:version); the clerk is refused.
            staff_of_x(
                REDIRECT("lists:final", "list_published_x"),
                **dict.fromkeys(
                    builders, REDIRECT("lists:version", "list_published_x")
                ),
            ),
            method="post",
            data=lambda w: {"confirm": "on"},
            acts=builders,
            setup=appeals_over,
            label="appeals over",
            guards=(BUILD_LISTS, VIEW_LISTS),
        ),
    ]
    for case in cases:
        case.needs = make_decisions
    # Objects that do not exist; methods the views do not take.
    absent = staff_of_x(NOT_FOUND)
    cases += [
        Case(
            "lists:decision_pdf",
            missing("application_pk", "pk"),
            login_then(NOT_FOUND),
            label="no such decision",
        ),
        Case(
            "lists:decision_pdf",
            missing("application_pk", "pk"),
            everyone(NOT_ALLOWED),
            method="post",
        ),
    ]
    for name, methods in (
        ("lists:decisions", ("get", "post")),
        ("lists:final", ("get", "post")),
        ("lists:appeals", ("get",)),
        ("lists:decision_pdf_staff", ("get",)),
        ("lists:delivery", ("post",)),
        ("lists:appeal_new", ("get", "post")),
        ("lists:appeal_decide", ("get", "post")),
    ):
        for method in ("get", "post"):
            cases.append(
                Case(
                    name,
                    missing("pk"),
                    absent if method in methods else everyone(NOT_ALLOWED),
                    method=method,
                    data=(lambda w: {}) if method == "post" else None,
                    label="no such object" if method in methods else "",
                )
            )
    return cases


def child_key(key: str) -> str:
    return "child_a" if key == "app_a" else f"paper_child_{key.split('_')[1]}"


MATRIX = build_matrix()


# --- The Django admin: the superuser only ----------------------------------------------


def admin_object(name: str, w: World):
    from django.apps import apps

    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                return obj
    return w["draft_x"]


def admin_cases(name: str, route: str) -> list[Case]:
    """Every admin page: GET, and a POST (its own form's data unchanged would need
    the admin's forms; an empty POST) that only the superuser may make."""

    def kwargs(w):
        values = {}
        if "<app_label>" in route:
            values["app_label"] = "tenders"
        if "<object_id>" in route:
            values["object_id"] = str(admin_object(name, w).pk)
        if "<content_type_id>" in route:
            from django.contrib.contenttypes.models import ContentType

            values["content_type_id"] = ContentType.objects.get_for_model(
                w["draft_x"]
            ).pk
            values["object_id"] = str(w["draft_x"].pk)
        for key in ("id", "pk"):
            if f"<{key}>" in route:
                values[key] = str(admin_object(name, w).pk)
        unknown = set(re.findall(r"<(\w+)>", route.split(" ", 1)[1])) - set(values)
        assert not unknown, f"No sample value for {unknown} in admin URL {route}"
        return values

    expect = who(DENIED, superuser=ANY)
    # POST: a delete page's confirmation ("post": "yes" deletes the object), other
    # pages' forms empty. Only the superuser may get anywhere; nobody else may
    # change anything.
    data = {"post": "yes"} if name.endswith("_delete") else {}
    return [
        Case(name, kwargs, expect),
        Case(
            name,
            kwargs,
            expect,
            method="post",
            data=lambda w: dict(data),
            may={SUPERUSER},
            guards=(ADMIN_SITE,),
        ),
    ]


def cases_for(name: str, route: str) -> list[Case]:
    if name in MATRIX:
        return MATRIX[name]
    if name.startswith("admin:"):
        return admin_cases(name, route)
    return []
