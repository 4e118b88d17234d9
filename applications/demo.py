"""Realistic Slovenian households for demo and load data (``seed_demo``,
``generate_tender``).

:func:`household` draws one household from a seeded :class:`random.Random`: names,
birth dates, a valid EMŠO (``stdnum.si.emso``: the birth date, the region 50
(Slovenia), a serial number below 500 for men and from 500 for women, the check
digit), the permanent residence in one of the lessor's municipalities, work, incomes
placed against the Rules' thresholds (list A, list B, or over the income limit,
Art. 5 and 9) and the claims of the Form. It returns plain values: the application's
fields (:data:`applications.constants.SECTION_FIELDS`) and each member's
(:data:`applications.constants.MEMBER_FIELDS`, with the municipality's name), so
that the services (``seed_demo``) and the bulk generator (``generate_tender``) make
the same households. The same ``random.Random`` state gives the same household.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stdnum.si import emso as stdnum_emso

# Art. 5 and 9 (SI-2004): income limit and list-A exemption, % of the average net
# salary, by household size (each further member: +25 / +20).
INCOME_LIMIT = {1: 200, 2: 250, 3: 315, 4: 370, 5: 425, 6: 470}
EXEMPTION = {1: 90, 2: 135, 3: 165, 4: 195, 5: 225, 6: 255}

FEMALE_NAMES = [
    "Ana", "Maja", "Nina", "Eva", "Sara", "Petra", "Mojca", "Katja", "Tanja",
    "Barbara", "Mateja", "Urška", "Špela", "Nataša", "Lucija", "Tina", "Alenka",
    "Vesna", "Irena", "Polona", "Jasmina", "Amra", "Zala", "Lara", "Neža", "Ema",
]  # fmt: skip
MALE_NAMES = [
    "Luka", "Jan", "Marko", "Matej", "Nejc", "Rok", "Žiga", "Tomaž", "Andrej",
    "Gregor", "Boštjan", "Primož", "Aleš", "Miha", "Jure", "Simon", "Uroš",
    "Damjan", "Samir", "Edin", "Goran", "Anže", "Tim", "Jakob", "Filip", "Vid",
]  # fmt: skip
SURNAMES = [
    "Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač",
    "Mlakar", "Kos", "Vidmar", "Golob", "Turk", "Božič", "Kralj", "Korošec",
    "Zupan", "Bizjak", "Hribar", "Kotnik", "Kavčič", "Rozman", "Kastelic",
    "Oblak", "Petek", "Žagar", "Hočevar", "Kolar", "Košir", "Koren", "Hodžić",
    "Begić", "Jovanović", "Kranjc", "Medved", "Zajc", "Pirc", "Sever",
]  # fmt: skip
# Citizenships of applicants besides SI (all admitted: EU member states).
EU_OTHER = ["HR", "IT", "AT", "HU", "SK", "BG", "RO"]

# What the bulk generator and the demo ask for.
LIST_A, LIST_B, OVER_INCOME, OTHER_DWELLING = "A", "B", "over_income", "other_dwelling"


def emso_for(birth: datetime.date, sex: str, serial: int) -> str:
    """A valid EMŠO for ``birth`` and ``sex`` (F/M); ``serial`` 0-499 picks the
    person among those born that day."""
    number = 500 + serial if sex == "F" else serial
    head = f"{birth:%d%m}{birth.year % 1000:03d}50{number:03d}"
    return head + stdnum_emso.calc_check_digit(head)


@dataclass
class Household:
    """One household's facts: the application's fields and its members' (the
    applicant first)."""

    application: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    target: str = LIST_A

    @property
    def applicant(self) -> dict[str, Any]:
        return self.members[0]


class HouseholdMaker:
    """Draws households for one tender: its publication date, average net salary,
    the lessor's municipalities and the codes of its own categories and conditions.

    EMŠOs are unique among the households one maker draws (``used_emso``).
    """

    def __init__(
        self,
        rng: random.Random,
        *,
        published_on: datetime.date,
        average_net_salary: Decimal,
        municipalities: list[str],
        other_categories: list[str] | None = None,
        additional_conditions: list[str] | None = None,
    ) -> None:
        self.rng = rng
        self.published_on = published_on
        self.salary = average_net_salary
        self.municipalities = municipalities
        self.other_categories = other_categories or []
        self.additional_conditions = additional_conditions or []
        self.used_emso: set[str] = set()

    # --- people -------------------------------------------------------------------

    def _birth(self, age_from: int, age_to: int) -> datetime.date:
        age_days = self.rng.randint(age_from * 365 + 1, age_to * 365 + 300)
        return self.published_on - datetime.timedelta(days=age_days)

    def _emso(self, birth: datetime.date, sex: str) -> str:
        while True:
            value = emso_for(birth, sex, self.rng.randrange(500))
            if value not in self.used_emso:
                self.used_emso.add(value)
                return value

    def _person(
        self, role: str, sex: str, age_from: int, age_to: int, surname: str
    ) -> dict[str, Any]:
        rng = self.rng
        birth = self._birth(age_from, age_to)
        first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
        return {
            "role": role,
            "first_name": first,
            "last_name": surname,
            "emso": self._emso(birth, sex),
            "birth_date": birth,
            "sex": sex,
            "citizenship": "SI",
            "municipality": self.municipalities[0]
            if rng.random() < 0.7
            else rng.choice(self.municipalities),
            "other_municipality": "",
            "employed": False,
            "years_of_service": Decimal("0.00"),
            "monthly_income": Decimal("0.00"),
            "disability": False,
            "institutional_care": False,
            "wheelchair_user": False,
            "deaf_or_blind": False,
            "needs_permanent_assistance": False,
            "owns_dwelling": False,
            "nonprofit_tenant": False,
            "other_property_value": Decimal("0.00"),
            "business_property_value": Decimal("0.00"),
        }

    def _age(self, member: dict[str, Any]) -> int:
        birth = member["birth_date"]
        return (self.published_on - birth).days // 365

    # --- the household ------------------------------------------------------------

    def household(
        self,
        *,
        target: str | None = None,
        size: int | None = None,
        wheelchair: bool = False,
        deaf_or_blind: bool = False,
    ) -> Household:
        """Draw one household; ``target`` is where its income (and property) put it:
        :data:`LIST_A`, :data:`LIST_B`, :data:`OVER_INCOME` or :data:`OTHER_DWELLING`
        (drawn when ``None``: about a fifth ineligible)."""
        rng = self.rng
        if target is None:
            roll = rng.random()
            target = (
                LIST_A
                if roll < 0.5
                else LIST_B
                if roll < 0.8
                else OVER_INCOME
                if roll < 0.92
                else OTHER_DWELLING
            )
        if size is None:
            size = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 25, 22, 15, 6, 2])[0]
        surname = rng.choice(SURNAMES)
        sex = rng.choice("FM")
        members: list[dict[str, Any]] = []
        children = 0
        if size == 1:
            young = rng.random() < 0.45
            applicant = self._person(
                "applicant", sex, 20 if young else 31, 30 if young else 78, surname
            )
            members.append(applicant)
        else:
            with_partner = rng.random() < 0.7
            applicant = self._person("applicant", sex, 22, 50, surname)
            members.append(applicant)
            if with_partner:
                partner_sex = "M" if sex == "F" else "F"
                role = rng.choice(["spouse", "partner"])
                age = self._age(applicant)
                members.append(
                    self._person(
                        role,
                        partner_sex,
                        max(18, age - 5),
                        min(75, age + 5),
                        surname if role == "spouse" else rng.choice(SURNAMES),
                    )
                )
            parent_age = self._age(applicant)
            while len(members) < size:
                if len(members) == size - 1 and size >= 3 and rng.random() < 0.1:
                    members.append(
                        self._person("parent", rng.choice("FM"), 66, 85, surname)
                    )
                    continue
                oldest = max(0, min(parent_age - 19, 25))
                members.append(
                    self._person("child", rng.choice("FM"), 0, oldest, surname)
                )
                children += 1
        if rng.random() < 0.08:
            applicant["citizenship"] = rng.choice(EU_OTHER)

        self._work_and_income(members, target)
        application = self._claims(members, target, children)
        if wheelchair:
            members[-1 if len(members) > 1 else 0].update(
                wheelchair_user=True, disability=True, needs_permanent_assistance=True
            )
            application["architectural_obstacles"] = rng.random() < 0.6
        if deaf_or_blind:
            members[0].update(deaf_or_blind=True, disability=True)
        if any(m["disability"] for m in members) and rng.random() < 0.5:
            application["disability_aids_monthly"] = Decimal(rng.randint(20, 180))
        return Household(application=application, members=members, target=target)

    def _work_and_income(self, members: list[dict[str, Any]], target: str) -> None:
        rng = self.rng
        n = len(members)
        limit = Decimal(INCOME_LIMIT.get(n, 470 + 25 * (n - 6))) / 100 * self.salary
        exempt = Decimal(EXEMPTION.get(n, 255 + 20 * (n - 6))) / 100 * self.salary
        if target == LIST_A:
            total = exempt * Decimal(rng.uniform(0.35, 0.97))
        elif target == LIST_B:
            total = exempt + (limit - exempt) * Decimal(rng.uniform(0.05, 0.95))
        elif target == OVER_INCOME:
            total = limit * Decimal(rng.uniform(1.03, 1.35))
        else:  # other dwelling: income within the limit
            total = limit * Decimal(rng.uniform(0.4, 0.9))
        adults = [
            m for m in members if m["role"] != "child" and self._age(m) >= 18
        ] or members[:1]
        earners = [m for m in adults if self._age(m) < 65]
        weights = [rng.uniform(0.5, 1.5) for _ in adults]
        share = sum(weights)
        for member, weight in zip(adults, weights, strict=True):
            member["monthly_income"] = (
                total * Decimal(weight) / Decimal(share)
            ).quantize(Decimal("0.01"))
        for member in earners:
            if rng.random() < 0.75:
                member["employed"] = True
                age = self._age(member)
                member["years_of_service"] = (
                    Decimal(rng.randint(0, max(0, age - 20)) * 100 + rng.randint(0, 99))
                    / 100
                )
        for member in members:
            if rng.random() < 0.15:
                member["other_property_value"] = Decimal(rng.randint(500, 9000))
        if target == OTHER_DWELLING:
            owner = rng.choice(adults)
            if rng.random() < 0.7:
                owner["owns_dwelling"] = True
            else:
                owner["nonprofit_tenant"] = True

    def _claims(
        self, members: list[dict[str, Any]], target: str, children: int
    ) -> dict[str, Any]:
        rng = self.rng
        status = rng.choices(
            ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"], weights=[10, 50, 5, 30, 3, 2]
        )[0]
        area = None
        if status != "1.1":
            area = Decimal(rng.randint(12 * len(members), 30 + 14 * len(members)))
            if rng.random() < 0.3:
                area = Decimal(rng.randint(6, 10) * len(members))
        partner = any(m["role"] in ("spouse", "partner") for m in members)
        victim = rng.random() < 0.03
        data: dict[str, Any] = {
            "housing_status": status,
            "dwelling_area_m2": area,
            "inappropriate_dwelling": status != "1.1" and rng.random() < 0.2,
            "architectural_obstacles": False,
            "entrance_from_yard": status != "1.1" and rng.random() < 0.05,
            "lost_housing_right_by_court": False,
            "supports_member_over_65": any(m["role"] == "parent" for m in members),
            "separated_from_minors": children > 0 and rng.random() < 0.03,
            "single_parent": children > 0 and not partner,
            "illness_minor_due_to_housing": children > 0 and rng.random() < 0.05,
            "illness_due_to_housing": rng.random() < 0.05,
            "pregnancy": partner and rng.random() < 0.05,
            "domestic_violence_victim": victim,
            "war_victim": rng.random() < 0.01,
            "disability_aids_monthly": Decimal("0.00"),
            "temporary_residence_in_shelter": victim and rng.random() < 0.5,
            "violence_co_ownership_unusable": False,
            "important_profession": False,
            "other_categories": [],
            "additional_conditions": [],
        }
        if rng.random() < 0.05:
            for member in members:
                if self._age(member) >= 18 and rng.random() < 0.5:
                    member["disability"] = True
        if self.other_categories and rng.random() < 0.05:
            data["other_categories"] = [rng.choice(self.other_categories)]
        if self.additional_conditions and rng.random() < 0.4:
            data["additional_conditions"] = list(self.additional_conditions)
        return data
