"""Countries for citizenship (issue 12, 3): ISO 3166-1 alpha-2 codes with their
names in Slovenian and English.

The codes and English names come from pycountry (the ISO 3166-1 list as Debian's
iso-codes keeps it), the Slovenian names from its gettext catalogue; a few names the
catalogue leaves in English are given here. ``XK`` (Kosovo) is not in ISO 3166-1 (a
user-assigned code) but is what the EU and Slovenian registers use for Kosovo's
citizens, so it is accepted too (docs/decisions.md, "Citizenship").

A member's citizenship is stored as the two-letter code; the page accepts the code or
a country's name in either language and offers the list as suggestions.
"""

import functools
import gettext
import unicodedata

#: Codes outside ISO 3166-1 that are accepted, with their (Slovenian, English) names.
EXTRA_COUNTRIES = {"XK": ("Kosovo", "Kosovo")}

# Slovenian names the pycountry catalogue has not translated (it keeps the English).
_SLOVENIAN = {
    "CV": "Zelenortski otoki",
    "CZ": "Češka",
    "HK": "Hongkong",
    "LC": "Sveta Lucija",
    "MK": "Severna Makedonija",
    "SZ": "Esvatini",
    "TR": "Turčija",
}


def _fold(text: str) -> str:
    """Lower case without accents: ``Hrvaška`` and ``hrvaska`` are one name."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def _countries() -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """``code -> (Slovenian name, English name, other names to accept)``."""
    import pycountry

    slovenian = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["sl"], fallback=True
    )
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        english = getattr(country, "common_name", None) or country.name
        names = {country.name, english, getattr(country, "official_name", "")}
        sl = _SLOVENIAN.get(code) or slovenian.gettext(english)
        if sl == english:
            sl = slovenian.gettext(country.name)
        other = {slovenian.gettext(n) for n in names if n} | names
        found[code] = (sl, english, tuple(sorted(n for n in other if n)))
    for code, (sl, en) in EXTRA_COUNTRIES.items():
        found[code] = (sl, en, ())
    return found


def is_country(code: str) -> bool:
    """Whether ``code`` (upper case) is an ISO 3166-1 alpha-2 code or ``XK``."""
    return code in _countries()


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (``sl`` or anything else for English), or
    the code itself when it is no country."""
    names = _countries().get(code)
    if names is None:
        return code
    return names[0] if language == "sl" else names[1]


@functools.cache
def _by_name() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, (sl, en, other) in _countries().items():
        for name in (sl, en, *other):
            table.setdefault(_fold(name), code)
    return table


def code_for_name(text: str) -> str | None:
    """The code of the country named ``text`` in Slovenian or English (exactly, but
    for case and accents), or ``None``."""
    return _by_name().get(_fold(text))


@functools.cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """``(code, name)`` of every country, by name in ``language``."""
    return tuple(
        sorted(
            ((code, country_name(code, language)) for code in _countries()),
            key=lambda item: (_fold(item[1]), item[0]),
        )
    )
