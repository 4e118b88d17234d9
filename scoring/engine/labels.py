"""Words for the engine's codes: a short label and a one-sentence explanation, in sl and
en.

A plain catalogue for the score record, the priority list and the CLI's messages. Codes
are the Form items (``"1.1"`` .. ``"7.2"``), the priority categories (Form III) and the
conditions of ineligibility (Art. 3(1), Art. 7). ``other:<slug>`` and
``additional:<code>`` get generic labels naming the slug or code. The texts describe the
Rules of 2004 (edition ``SI-2004``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Label = tuple[str, str]
"""(short label, one-sentence explanation)."""

LANGUAGES = ("sl", "en")
DEFAULT_LANGUAGE = "en"

ITEMS: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {
        "1.1": {
            "sl": (
                "Brez stanovanja",
                "Udeleženec razpisa je brez stanovanja, biva v prostorih za začasno "
                "bivanje ali drugih nestanovanjskih prostorih, v materinskem domu ali "
                "varni hiši ali občasno pri drugih brez statusa podnajemnika.",
            ),
            "en": (
                "Without a dwelling",
                "The applicant has no dwelling, lives in premises for temporary stay "
                "or other non-residential premises, in a maternity home or shelter, or "
                "occasionally with others without the status of a subtenant.",
            ),
        },
        "1.2": {
            "sl": (
                "Podnajemnik ali najemnik tržnega stanovanja",
                "Udeleženec razpisa ima sklenjeno podnajemno pogodbo ali plačuje "
                "najemnino za tržno stanovanje.",
            ),
            "en": (
                "Subtenant or market-rent tenant",
                "The applicant has a subtenancy agreement or pays rent for a "
                "market-rent dwelling.",
            ),
        },
        "1.3": {
            "sl": (
                "Bivanje v samskem domu",
                "Udeleženec razpisa ima sklenjeno pogodbo o uporabi sobe v samskem "
                "domu.",
            ),
            "en": (
                "Lives in a workers' home",
                "The applicant has an agreement on the use of a room in a workers' "
                "home.",
            ),
        },
        "1.4": {
            "sl": (
                "Bivanje pri starših ali sorodnikih",
                "Udeleženec razpisa biva pri starših ali sorodnikih, kar izkazuje s "
                "potrdilom o prebivališču ali skupnem gospodinjstvu.",
            ),
            "en": (
                "Lives with parents or relatives",
                "The applicant lives at the home of parents or relatives, as a "
                "certificate of residence or of a common household shows.",
            ),
        },
        "1.5": {
            "sl": (
                "Najemnik denacionaliziranega stanovanja",
                "Udeleženec razpisa je kot bivši imetnik stanovanjske pravice najemnik "
                "stanovanja, ki je bilo vrnjeno po predpisih o denacionalizaciji.",
            ),
            "en": (
                "Tenant of a denationalised dwelling",
                "The applicant, a former housing-right holder, rents a dwelling that "
                "was returned to its owner under the denationalisation regulations.",
            ),
        },
        "1.6": {
            "sl": (
                "Bivši hišnik",
                "Udeleženec razpisa je bil hišnik že pred letom 1991 in je to delo "
                "prenehal opravljati brez svoje krivde ali zaradi upokojitve.",
            ),
            "en": (
                "Former caretaker",
                "The applicant was a caretaker before 1991 and stopped through no "
                "fault of their own or by retiring.",
            ),
        },
        "2.1": {
            "sl": (
                "Neprimerno stanovanje",
                "Gospodinjstvo biva v neprimernem stanovanju, na primer vlažnem, "
                "kletnem ali brez osnovnih instalacij.",
            ),
            "en": (
                "Inappropriate dwelling",
                "The household lives in an inappropriate dwelling, for example a damp "
                "or basement one or one without basic installations.",
            ),
        },
        "3.1": {
            "sl": (
                "Do 4 m² na člana",
                "Na vsakega člana gospodinjstva pride največ 4 m² stanovanjske "
                "površine.",
            ),
            "en": (
                "Up to 4 m² per member",
                "The dwelling has at most 4 m² of floor area per household member.",
            ),
        },
        "3.2": {
            "sl": (
                "Nad 4 do 8 m² na člana",
                "Na vsakega člana gospodinjstva pride več kot 4 in največ 8 m² "
                "stanovanjske površine.",
            ),
            "en": (
                "Over 4 up to 8 m² per member",
                "The dwelling has more than 4 and at most 8 m² of floor area per "
                "household member.",
            ),
        },
        "3.3": {
            "sl": (
                "Nad 8 do 12 m² na člana",
                "Na vsakega člana gospodinjstva pride več kot 8 in največ 12 m² "
                "stanovanjske površine.",
            ),
            "en": (
                "Over 8 up to 12 m² per member",
                "The dwelling has more than 8 and at most 12 m² of floor area per "
                "household member.",
            ),
        },
        "4.1": {
            "sl": (
                "Arhitektonske ovire",
                "Stanovanje ima arhitektonske ovire, član gospodinjstva pa je trajno "
                "vezan na invalidski voziček.",
            ),
            "en": (
                "Architectural obstacles",
                "The dwelling has architectural obstacles and a household member is "
                "permanently dependent on a wheelchair.",
            ),
        },
        "4.2": {
            "sl": (
                "Vhod neposredno z dvorišča",
                "Vhod v stanovanje vodi z dvorišča neposredno v bivalne prostore.",
            ),
            "en": (
                "Entrance directly from the yard",
                "The entrance leads from the yard directly into the living premises.",
            ),
        },
        "5.1": {
            "sl": (
                "Mladoletni otroci",
                "Točke za vsakega mladoletnega člana gospodinjstva; nosečnost, "
                "izkazana z zdravniškim potrdilom, šteje kot en otrok.",
            ),
            "en": (
                "Minors",
                "Points for every minor in the household; a pregnancy proved by a "
                "doctor's certificate counts as one child.",
            ),
        },
        "5.2": {
            "sl": (
                "Član, starejši od 65 let",
                "Udeleženec razpisa je dolžan preživljati člana gospodinjstva, ki je "
                "starejši od 65 let.",
            ),
            "en": (
                "Member over 65",
                "The applicant is obliged to provide for a household member who is "
                "older than 65.",
            ),
        },
        "6.1": {
            "sl": (
                "Ločeno življenje staršev in otrok",
                "Starši in mladoletni otroci živijo ločeno (rejništvo, druga družina, "
                "zavod) zaradi neustreznih stanovanjskih razmer.",
            ),
            "en": (
                "Parents and minors living apart",
                "Parents and minors live apart (foster care, another family, an "
                "institution) because of inappropriate housing conditions.",
            ),
        },
        "6.2": {
            "sl": (
                "Enostarševska družina",
                "Starš sam preživlja otroka, kar izkazuje s potrdilom o "
                "neizterljivosti preživnine ali o nadomestilu iz preživninskega "
                "sklada.",
            ),
            "en": (
                "Single parent",
                "The parent alone provides for the child, as a certificate that "
                "maintenance is irrecoverable or a payment from the Maintenance Fund "
                "shows.",
            ),
        },
        "7.1": {
            "sl": (
                "Bolezen mladoletnega otroka zaradi razmer",
                "Mladoletni član gospodinjstva ima trajno bolezen, na katero "
                "neposredno vplivajo slabe stanovanjske razmere.",
            ),
            "en": (
                "Illness of a minor due to housing",
                "A minor in the household has a permanent illness directly caused by "
                "poor housing conditions.",
            ),
        },
        "7.2": {
            "sl": (
                "Bolezen zaradi stanovanjskih razmer",
                "Član gospodinjstva ima trajno bolezen, na katero neposredno vplivajo "
                "slabe stanovanjske razmere.",
            ),
            "en": (
                "Illness due to housing",
                "A household member has a permanent illness directly caused by poor "
                "housing conditions.",
            ),
        },
    }
)

CATEGORIES: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {
        "young_family": {
            "sl": (
                "Mlada družina",
                "Družina z vsaj enim otrokom, v kateri noben od staršev v letu objave "
                "razpisa ne dopolni več kot 35 let.",
            ),
            "en": (
                "Young family",
                "A family with at least one child in which no parent is older than 35 "
                "in the year the tender is published.",
            ),
        },
        "youth": {
            "sl": (
                "Mladi",
                "Udeleženec razpisa v letu objave razpisa ne dopolni več kot 30 let.",
            ),
            "en": (
                "Youth",
                "The applicant is not older than 30 in the year the tender is "
                "published.",
            ),
        },
        "large_family": {
            "sl": (
                "Družina z večjim številom otrok",
                "Družina z vsaj tremi mladoletnimi otroki; nosečnost, izkazana z "
                "zdravniškim potrdilom, šteje kot otrok.",
            ),
            "en": (
                "Large family",
                "A family with at least three minors; a pregnancy proved by a doctor's "
                "certificate counts as a child.",
            ),
        },
        "large_family_extra_child": {
            "sl": (
                "Vsak nadaljnji otrok",
                "Dodatne točke za vsakega mladoletnega otroka nad tretjim; nosečnost "
                "šteje kot otrok.",
            ),
            "en": (
                "Each further child",
                "Additional points for every minor beyond the third; a pregnancy "
                "counts as a child.",
            ),
        },
        "disability": {
            "sl": (
                "Invalidnost",
                "Invalid ali družina z invalidnim članom, ki mu ni zagotovljeno "
                "institucionalno varstvo.",
            ),
            "en": (
                "Disability",
                "A disabled person, or a family with a disabled member, for whom no "
                "institutional care is provided.",
            ),
        },
        "few_employed": {
            "sl": (
                "Družina z manjšim številom zaposlenih",
                "Družina z vsaj tremi člani, od katerih je zaposlen le eden.",
            ),
            "en": (
                "Few employed",
                "A family of at least three members of whom only one is employed.",
            ),
        },
        "long_service": {
            "sl": (
                "Daljša delovna doba",
                "Udeleženec razpisa je brez stanovanja ali podnajemnik in ima vsaj 13 "
                "let (moški) oziroma 12 let (ženska) delovne dobe.",
            ),
            "en": (
                "Long employment period",
                "The applicant is without a dwelling or a subtenant and has at least "
                "13 (men) or 12 (women) years of service.",
            ),
        },
        "important_profession": {
            "sl": (
                "Pomemben poklic za občino",
                "Udeleženec razpisa opravlja poklic ali dejavnost, ki jo razpis določa "
                "kot pomembno za občino.",
            ),
            "en": (
                "Profession important for the municipality",
                "The applicant's profession or activity is one the tender names as "
                "important for the municipality.",
            ),
        },
        "domestic_violence": {
            "sl": (
                "Žrtev nasilja v družini",
                "Udeleženec razpisa, z otroki ali brez njih, je žrtev nasilja v "
                "družini, kar potrjuje strokovno mnenje centra za socialno delo ali "
                "organizacije za pomoč žrtvam.",
            ),
            "en": (
                "Victim of domestic violence",
                "The applicant, with or without children, is a victim of domestic "
                "violence, as a social work centre or a victims' support organisation "
                "attests.",
            ),
        },
        "war_victim": {
            "sl": (
                "Žrtev vojnega nasilja",
                "Udeleženec razpisa ima status žrtve vojnega nasilja.",
            ),
            "en": (
                "War victim",
                "The applicant has the status of a victim of war violence.",
            ),
        },
    }
)

CONDITIONS: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {
        "citizenship": {
            "sl": (
                "Državljanstvo",
                "Prosilec nima državljanstva, ki ga dopušča razpis (3. člen, prvi "
                "odstavek).",
            ),
            "en": (
                "Citizenship",
                "The applicant's citizenship is not one the tender admits (Art. 3(1)).",
            ),
        },
        "residence": {
            "sl": (
                "Stalno prebivališče",
                "Prosilec nima stalnega prebivališča na območju razpisovalca, izjemi "
                "iz drugega in tretjega odstavka 3. člena pa zanj ne veljata.",
            ),
            "en": (
                "Permanent residence",
                "The applicant's permanent residence is not in the lessor's area and "
                "neither exception of Art. 3(2) and 3(3) applies.",
            ),
        },
        "other_dwelling": {
            "sl": (
                "Drugo stanovanje",
                "Član gospodinjstva je najemnik neprofitnega stanovanja za nedoločen "
                "čas ali lastnik oziroma solastnik drugega stanovanja ali stanovanjske "
                "hiše.",
            ),
            "en": (
                "Other dwelling",
                "A household member rents non-profit housing for an indefinite period "
                "or owns or co-owns another dwelling or residential building.",
            ),
        },
        "property": {
            "sl": (
                "Premoženje",
                "Drugo premoženje vseh članov gospodinjstva skupaj presega 40 % "
                "vrednosti primernega stanovanja.",
            ),
            "en": (
                "Property",
                "The household's other property, all members' together, is worth "
                "more than 40 % of the value of an appropriate dwelling.",
            ),
        },
        "income": {
            "sl": (
                "Dohodek",
                "Mesečni dohodek gospodinjstva presega mejo iz 5. člena za "
                "gospodinjstvo te velikosti.",
            ),
            "en": (
                "Income",
                "The household's monthly income exceeds the Art. 5 limit for a "
                "household of its size.",
            ),
        },
        "court_loss": {
            "sl": (
                "Izguba stanovanjske pravice",
                "Prosilec je s sodno odločbo izgubil stanovanjsko pravico ali mu je "
                "bila najemna pogodba odpovedana po njegovi krivdi (7. člen).",
            ),
            "en": (
                "Housing right lost by a court",
                "The applicant lost a housing right, or a tenancy through their own "
                "fault, by a court's decision (Art. 7).",
            ),
        },
    }
)

_OTHER: Mapping[str, Label] = {
    "sl": (
        "Druga prednostna kategorija: {slug}",
        "Prednostna kategorija, ki jo razpisovalec določi in utemelji v razpisu "
        "(6. člen, drugi odstavek).",
    ),
    "en": (
        "Other priority category: {slug}",
        "A priority category the lessor defines and substantiates in the tender "
        "(Art. 6(2)).",
    ),
}
_ADDITIONAL: Mapping[str, Label] = {
    "sl": (
        "Dodatni pogoj: {slug}",
        "Dodatni pogoj, ki ga določa razpis; točke dodatnih pogojev so skupaj omejene "
        "(4. člen).",
    ),
    "en": (
        "Additional condition: {slug}",
        "An additional condition the tender sets; the points of all additional "
        "conditions together are capped (Art. 4).",
    ),
}

SUB_LIST_RULES: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {
        "wheelchair": {
            "sl": (
                "Gospodinjstva z uporabnikom invalidskega vozička",
                "Član gospodinjstva je trajno vezan na invalidski voziček.",
            ),
            "en": (
                "Households with a wheelchair user",
                "A household member permanently uses a wheelchair.",
            ),
        },
        "deaf_or_blind": {
            "sl": (
                "Gospodinjstva z gluhim ali slepim članom",
                "Član gospodinjstva je gluh ali slep.",
            ),
            "en": (
                "Households with a deaf or blind member",
                "A household member is deaf or blind.",
            ),
        },
        "families": {
            "sl": ("Družine", "Gospodinjstvo ima dva ali več članov."),
            "en": ("Families", "The household has two or more members."),
        },
        "singles": {
            "sl": ("Samske osebe", "Gospodinjstvo ima enega člana."),
            "en": ("Single persons", "The household has one member."),
        },
        "all": {
            "sl": ("Vsi ostali", "Vsaka vloga seznama, ki ni uvrščena prej."),
            "en": ("All others", "Every application of the list not assigned before."),
        },
    }
)

CATALOGUE: Mapping[str, Mapping[str, Label]] = MappingProxyType(
    {**ITEMS, **CATEGORIES, **CONDITIONS}
)

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # Facts of the Python API and of the JSON case format (scoring.engine.checks).
        "type": {"en": "must be a {kind}", "sl": "mora biti {kind}"},
        "edition": {
            "en": "must be a known edition of the Rules ({known})",
            "sl": "mora biti znana izdaja Pravilnika ({known})",
        },
        "date": {"en": "must be a date", "sl": "mora biti datum"},
        "date_not_before": {
            "en": "must not be before {date}",
            "sl": "ne sme biti pred {date}",
        },
        "date_not_after": {
            "en": "must not be after {date}",
            "sl": "ne sme biti po {date}",
        },
        "after_publication": {
            "en": "must not be after the tender's publication date ({date})",
            "sl": "ne sme biti po datumu objave razpisa ({date})",
        },
        "born_after_publication": {
            "en": "must not be after the tender's publication date ({date}); "
            "a pregnancy is not a member",
            "sl": "ne sme biti po datumu objave razpisa ({date}); nosečnost ni "
            "član gospodinjstva",
        },
        "decimal": {"en": "must be a Decimal", "sl": "mora biti decimalno število"},
        "finite": {"en": "must be a finite number", "sl": "mora biti končno število"},
        "not_negative": {"en": "must not be negative", "sl": "ne sme biti negativno"},
        "positive": {"en": "must be greater than 0", "sl": "mora biti večje od 0"},
        "too_large": {
            "en": "is too large (at most {digits} digits before the point)",
            "sl": "je preveliko (največ {digits} števk pred decimalno vejico)",
        },
        "two_places": {
            "en": "must have at most 2 decimal places",
            "sl": "ima lahko največ 2 decimalni mesti",
        },
        "integer": {
            "en": "must be a whole number (integer)",
            "sl": "mora biti celo število",
        },
        "at_least": {"en": "must be at least {low}", "sl": "mora biti vsaj {low}"},
        "between": {
            "en": "must be between {low} and {high}",
            "sl": "mora biti med {low} in {high}",
        },
        "string": {"en": "must be a string", "sl": "mora biti besedilo"},
        "not_empty": {"en": "must not be empty", "sl": "ne sme biti prazno"},
        "list": {"en": "must be a list", "sl": "mora biti seznam"},
        "boolean": {"en": "must be true or false", "sl": "mora biti da ali ne"},
        "one_of": {
            "en": "must be one of {choices}",
            "sl": "mora biti ena od vrednosti {choices}",
        },
        "area": {
            "en": "must be a municipality's name or a list of names",
            "sl": "mora biti ime občine ali seznam imen občin",
        },
        "area_empty": {
            "en": "must name at least one municipality (the lessor's area)",
            "sl": "mora navesti vsaj eno občino (območje razpisovalca)",
        },
        "admission_code": {
            "en": 'must be an ISO 3166-1 alpha-2 code in capitals (e.g. "SI") or '
            '"EU" or "IP"',
            "sl": 'mora biti koda ISO 3166-1 alpha-2 z velikimi črkami (npr. "SI") '
            'ali "EU" ali "IP"',
        },
        "citizenship_code": {
            "en": 'must be an ISO 3166-1 alpha-2 code in capitals (e.g. "SI") or "IP"',
            "sl": 'mora biti koda ISO 3166-1 alpha-2 z velikimi črkami (npr. "SI") '
            'ali "IP"',
        },
        "categories_mapping": {
            "en": "must be a mapping of category code to points",
            "sl": "mora preslikati kode kategorij v točke",
        },
        "category_code": {
            "en": "is not a priority category of the Rules (Form III) nor "
            "other:<slug> (lower-case letters, digits, _ and -)",
            "sl": "ni prednostna kategorija Pravilnika (III. del obrazca) niti "
            "other:<oznaka> (male črke, števke, _ in -)",
        },
        "extra_child_alone": {
            "en": "needs large_family: the supplement per further child is a line "
            "under the large-family category",
            "sl": "zahteva large_family: dodatek za vsakega nadaljnjega otroka je "
            "vrstica kategorije družine z večjim številom otrok",
        },
        "listed_twice": {
            "en": '"{code}" is listed twice',
            "sl": '"{code}" je naveden dvakrat',
        },
        "tie_break_code": {
            "en": '"{code}" is not a priority category of the Rules nor an other: '
            "category this tender uses",
            "sl": '"{code}" ni prednostna kategorija Pravilnika niti kategorija '
            "other:, ki jo uporablja ta razpis",
        },
        "conditions_mapping": {
            "en": "must be a mapping of condition code to points",
            "sl": "mora preslikati kode pogojev v točke",
        },
        "condition_code": {
            "en": "must be a code of lower-case letters, digits, _ and - "
            "(starting with a letter or digit)",
            "sl": "mora biti koda iz malih črk, števk, _ in - (na začetku črka ali "
            "števka)",
        },
        "sub_list_list": {
            "en": "must be one of {choices}: the lists of this tender",
            "sl": "mora biti ena od vrednosti {choices}: seznami tega razpisa",
        },
        "duplicate_code": {
            "en": '"{code}" is already the code of {other}',
            "sl": '"{code}" je že koda {other}',
        },
        "area_without_dwelling": {
            "en": "must be absent or null with housing status {status} "
            "(items 2-4 are not scored without a dwelling)",
            "sl": "mora manjkati pri stanovanjskem statusu {status} (točke 2-4 se "
            "brez stanovanja ne točkujejo)",
        },
        "area_required": {
            "en": "is required with housing status {status}",
            "sl": "je obvezno pri stanovanjskem statusu {status}",
        },
        "other_category_unknown": {
            "en": '"{code}" is not an other:<slug> category this tender defines',
            "sl": '"{code}" ni kategorija other:<oznaka>, ki jo določa ta razpis',
        },
        "condition_unknown": {
            "en": '"{code}" is not an additional condition this tender defines',
            "sl": '"{code}" ni dodatni pogoj, ki ga določa ta razpis',
        },
        "members_list": {
            "en": "must be a list of members",
            "sl": "mora biti seznam članov",
        },
        "members_empty": {
            "en": "must not be empty: the applicant is a member",
            "sl": "ne sme biti prazno: prosilec je član gospodinjstva",
        },
        "one_applicant": {
            "en": 'must include exactly one member with role "applicant"',
            "sl": 'mora vsebovati natanko enega člana z vlogo "applicant"',
        },
        "second_applicant": {
            "en": 'is a second applicant: exactly one member has role "applicant"',
            "sl": 'je drugi prosilec: vlogo "applicant" ima natanko en član',
        },
        # The JSON case format (scoring.engine.jsonio) and the command line.
        "json_object": {"en": "must be a JSON object", "sl": "mora biti objekt JSON"},
        "json_array": {"en": "must be a JSON array", "sl": "mora biti tabela JSON"},
        "decimal_string": {
            "en": 'must be a decimal string like "1234.50"',
            "sl": 'mora biti decimalno število v nizu, npr. "1234.50"',
        },
        "decimal_string_number": {
            "en": 'must be a decimal string like "1234.50", not a JSON number',
            "sl": 'mora biti decimalno število v nizu, npr. "1234.50", ne število JSON',
        },
        "date_string": {
            "en": 'must be a date string "YYYY-MM-DD"',
            "sl": 'mora biti datum v nizu "LLLL-MM-DD"',
        },
        "not_a_real_date": {
            "en": '"{value}" is not a real date',
            "sl": '"{value}" ni obstoječ datum',
        },
        "unknown_key": {"en": "is not a known key", "sl": "ni znan ključ"},
        "required": {"en": "is required", "sl": "je obvezno"},
        "given_twice": {
            "en": "is given more than once",
            "sl": "je podano večkrat",
        },
        "not_utf8": {
            "en": "is not valid UTF-8 (byte {byte}: {reason})",
            "sl": "ni veljaven UTF-8 (bajt {byte}: {reason})",
        },
        "not_json": {
            "en": "is not valid JSON: {detail}",
            "sl": "ni veljaven JSON: {detail}",
        },
        "cannot_read": {
            "en": "cannot read {source}: {reason}",
            "sl": "ni mogoče prebrati {source}: {reason}",
        },
        "internal": {
            "en": "internal error: {detail}",
            "sl": "notranja napaka: {detail}",
        },
    }
)


def _language(lang: str) -> str:
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def label(code: str, lang: str = DEFAULT_LANGUAGE) -> Label:
    """The (short label, explanation) of ``code`` in ``lang`` ("sl", "en", "sl-SI",
    ...).

    Unknown languages fall back to English. ``other:<slug>`` and ``additional:<code>``
    get generic labels naming the slug or code.

    :raises KeyError: for a code the catalogue does not know.
    """
    language = _language(lang)
    for prefix, generic in (("other:", _OTHER), ("additional:", _ADDITIONAL)):
        if code.startswith(prefix):
            short, explanation = generic[language]
            return short.format(slug=code[len(prefix) :]), explanation
    return CATALOGUE[code][language]


def message(
    code: str, lang: str = DEFAULT_LANGUAGE, params: Mapping[str, str] | None = None
) -> str:
    """The message ``code`` of :data:`MESSAGES` in ``lang`` with its ``params`` filled in.

    :raises KeyError: for a code the catalogue does not know or a parameter its text
        names but ``params`` lacks.
    """
    return MESSAGES[code][_language(lang)].format_map(params or {})


def sub_list_rule_label(rule: str, lang: str = DEFAULT_LANGUAGE) -> Label:
    """The (short label, explanation) of a sub-list rule (scoring.md, "Sub-lists")."""
    return SUB_LIST_RULES[rule][_language(lang)]
