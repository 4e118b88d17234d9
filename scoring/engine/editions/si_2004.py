"""Edition ``SI-2004``: every number of the Rules on renting non-profit apartments.

Pravilnik o dodeljevanju neprofitnih stanovanj v najem, Uradni list RS, št. 14/2004,
with the Form for assessing the housing and social conditions in its Annex. This module
is data only: the engine reads it through :mod:`scoring.engine.editions`, and a later
amendment of the Rules gets a module of its own beside this one (never an edit here, so
that every saved scoring run can be recomputed with the numbers it was made with).

Every name below is a field of :class:`scoring.engine.editions.Edition` in upper case.
"""

from decimal import Decimal

ID = "SI-2004"
TITLE = (
    "Rules on renting non-profit apartments (Official Gazette of the RS, No. 14/2004)"
)

# Art. 5(1) and 5(2): household income limit, % of the average monthly net salary in the
# State, for households of 1..6 members; each further member adds the step.
INCOME_LIMIT_PERCENT = (200, 250, 315, 370, 425, 470)
INCOME_LIMIT_STEP = 25

# Art. 9(1) and 9(2): exemption from own share and security (list A), same shape.
EXEMPTION_PERCENT = (90, 135, 165, 195, 225, 255)
EXEMPTION_STEP = 20

# Art. 14(1) and 14(2): spatial standards in m2, (lower, upper) for 1..6 members,
# without and with the payment of own share and security; each further member adds the
# step to both bounds.
SPATIAL_WITHOUT_OWN_SHARE = ((20, 30), (30, 45), (45, 55), (55, 65), (65, 75), (75, 85))
SPATIAL_WITH_OWN_SHARE = ((20, 45), (30, 55), (45, 70), (55, 82), (65, 95), (75, 105))
SPATIAL_STEP = 6

# Note to Art. 3 (assessment of property): an appropriate dwelling scores 320 points,
# one point is worth EUR 2.63, its size is the upper bound *with* own share for the
# household (Art. 14); other property may not exceed 40 % of its value (Art. 3(1) indent
# 4).
APPROPRIATE_DWELLING_POINTS = 320
POINT_VALUE_EUR = Decimal("2.63")
PROPERTY_LIMIT_PERCENT = 40

# Note to Art. 4: the sum of the highest values of the Form is 450 points; additional
# conditions may add at most 25 % of it, 112.5, "meaning that the total sum may be
# exceeded by 112 points".
FORM_MAXIMUM_POINTS = 450
ADDITIONAL_CAP_PERCENT = 25

# The Form, sections I and II: item code -> points, in Form order.
HOUSING_STATUS_POINTS = (
    ("1.1", 180),
    ("1.2", 140),
    ("1.3", 130),
    ("1.4", 120),
    ("1.5", 120),
    ("1.6", 160),
)
ITEM_POINTS = (
    ("2.1", 30),
    ("3.1", 20),
    ("3.2", 15),
    ("3.3", 10),
    ("4.1", 50),
    ("4.2", 10),
    ("5.1", 30),
    ("5.2", 30),
    ("6.1", 60),
    ("6.2", 40),
    ("7.1", 80),
    ("7.2", 60),
)
# The Form's sections: I housing conditions (items 1-4), II social conditions (5-7).
FORM_SECTIONS = (("I", (1, 2, 3, 4)), ("II", (5, 6, 7)))
# Form item 3, level of crowding: (upper bound of m2 per member, item); "up to 4", "from
# 4 to 8", "from 8 to 12". A bound belongs to the band it closes (4.00 m2 -> 3.1, 4.01
# m2 -> 3.2).
CROWDING_BANDS = ((4, "3.1"), (8, "3.2"), (12, "3.3"))
# Note to 1.1: without a dwelling, items 2, 3 and 4 are not scored.
STATUS_WITHOUT_DWELLING = "1.1"
# Art. 3(4): the tenant of a denationalised dwelling (Form 1.5) is entitled although the
# tenancy is for an indefinite period at non-profit rent.
STATUS_DENATIONALISED = "1.5"

# Form III with Art. 6: the priority categories a tender may use, in Form order, and the
# range of points the lessor may give each ("between 50 and 150 points"). The supplement
# for every further child is a line under the large-family category: 1..150 points per
# child.
CATEGORY_CODES = (
    "young_family",
    "youth",
    "large_family",
    "large_family_extra_child",
    "disability",
    "few_employed",
    "long_service",
    "important_profession",
    "domestic_violence",
    "war_victim",
)
CATEGORY_POINTS_RANGE = (50, 150)
EXTRA_CHILD_POINTS_RANGE = (1, 150)

# Ages and thresholds of the definitions (scoring.md, notes to the Form).
MINOR_AGE = 18  # minors: item 5.1, large family, young family
OVER_65_AGE = 65  # item 5.2
YOUNG_FAMILY_MAX_AGE = (
    35  # notes to III: "35 years completed in the year of publishing"
)
YOUTH_MAX_AGE = 30  # notes to III: "30 years completed in the year of publishing"
LARGE_FAMILY_MIN_MINORS = 3  # notes to III: "at least three minors", pregnancy counts
FEW_EMPLOYED_MIN_MEMBERS = (
    3  # notes to III: "at least three members, of whom only one is employed"
)
FEW_EMPLOYED_EMPLOYED = 1
# Notes to III, long employment period: men 13 years, women 12; X takes the men's 13
# (stricter).
LONG_SERVICE_YEARS = (("F", 12), ("M", 13), ("X", 13))
LONG_SERVICE_STATUSES = ("1.1", "1.2")  # "without a dwelling or subtenants"

# Art. 3(1) indent 1 with Housing Act Art. 160: the token "EU" admits the citizens of
# every member state of the European Union (27 since 1 February 2020), Slovenia
# included.
EU_MEMBER_STATES = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
)
