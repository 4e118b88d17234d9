"""The scoring engine: pure Python, no Django, no database.

Public API (other apps import only these names)::

    from scoring.engine import assess, rank, TenderRules, ApplicationFacts, Member

    assessment = assess(tender, application)   # one application -> Assessment
    ranking = rank(tender, applications)       # many -> Ranking (lists and sub-lists)

Both check every fact first and raise :class:`InvalidFacts` listing every invalid or
missing one (house style: refuse to guess). :func:`tender_problems` and
:func:`application_problems` give the same problems without raising, for forms; each
:class:`Problem` renders its message in ``"sl"`` or ``"en"`` (``problem.message(lang)``),
as :func:`label` renders the engine's codes. The numbers of the Rules come from the
tender's edition (:data:`EDITIONS`); :func:`rules_categories` lists an edition's
priority categories. See ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from scoring.engine.checks import (
    application_problems,
    applications_problems,
    tender_problems,
)
from scoring.engine.editions import EDITIONS, Edition
from scoring.engine.facts import (
    SUB_LIST_RULES,
    ApplicationFacts,
    Error,
    InvalidFacts,
    Member,
    PointValue,
    Problem,
    SubList,
    TenderRules,
)
from scoring.engine.labels import label, message, sub_list_rule_label
from scoring.engine.result import (
    Assessment,
    Ineligibility,
    RankedEntry,
    Ranking,
    ScoreLine,
    SpatialStandard,
    SubListEntry,
    SubListResult,
)
from scoring.engine.run import assess_valid, checked, cyclic_gc_paused, rank_valid

__all__ = [
    "EDITIONS",
    "SUB_LIST_RULES",
    "ApplicationFacts",
    "Assessment",
    "Edition",
    "Error",
    "Ineligibility",
    "InvalidFacts",
    "Member",
    "PointValue",
    "Problem",
    "RankedEntry",
    "Ranking",
    "ScoreLine",
    "SpatialStandard",
    "SubList",
    "SubListEntry",
    "SubListResult",
    "TenderRules",
    "application_problems",
    "assess",
    "label",
    "message",
    "rank",
    "rules_categories",
    "sub_list_rule_label",
    "tender_problems",
]


def rules_categories(edition_id: str) -> tuple[str, ...]:
    """Every priority category code of an edition of the Rules (Form III), in Form
    order, ``large_family_extra_child`` included: what a tender may score and what its
    tie-break chain may name (besides its own ``other:`` categories).

    :raises KeyError: for an unknown edition.
    """
    return EDITIONS[edition_id].category_codes


def assess(tender: TenderRules, application: ApplicationFacts) -> Assessment:
    """Assess one application: eligibility (Art. 3, 5, 7), list A/B (Art. 9), the Form's
    points (sections I-II), priority categories (III, Art. 6), additional conditions
    (Art. 4), and the household's spatial standard (Art. 14).

    :raises InvalidFacts: listing every invalid or missing fact of the tender and the
        application, with paths like ``application.members[1].birth_date``.
    """
    context, problems = checked(tender)
    problems += application_problems(tender, application)
    if problems or context is None:
        raise InvalidFacts(problems)
    return assess_valid(context, application)


def rank(tender: TenderRules, applications: Sequence[ApplicationFacts]) -> Ranking:
    """Assess every application and rank the eligible ones into priority lists (Art.
    23) and the tender's sub-lists, with their cut-offs.

    The ranking rule (total, then the tender's tie-break chain, then shared ranks in
    code order) and the sub-list rule are spelled out in :mod:`scoring.engine.ranking`.

    :raises InvalidFacts: listing every invalid or missing fact, with paths like
        ``applications[3].members[0].sex``; a code used twice is an error at the second
        ``applications[i].code``.
    """
    with cyclic_gc_paused():  # the checks too: see docs/performance.md
        context, problems = checked(tender)
        problems += applications_problems(tender, applications)
        if problems or context is None:
            raise InvalidFacts(problems)
        return rank_valid(context, applications)
