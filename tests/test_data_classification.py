"""Every field of every model is classified PUBLIC, PERSONAL or SPECIAL, in one place."""

from django.apps import apps

import pytest

from config import data_classification as dc


def test_every_field_is_classified():
    missing = dc.unclassified_fields()
    lines = "\n".join(f'    "{key}": PERSONAL,' for key in missing)
    assert not missing, (
        f"{len(missing)} field(s) have no data class. Add these lines to CLASSIFICATION "
        "in config/data_classification.py, next to their model's other fields, and "
        "change PERSONAL to PUBLIC (nothing about a person) or SPECIAL (GDPR Art. 9: "
        "health, disability, domestic violence, ...) where that is right; the module "
        f"docstring says how to choose:\n\n{lines}\n"
    )


def test_no_stale_entries():
    stale = dc.stale_entries()
    lines = "\n".join(f'    "{key}": {dc.CLASSIFICATION[key].name},' for key in stale)
    assert not stale, (
        f"{len(stale)} entry(ies) in CLASSIFICATION (config/data_classification.py) "
        "name a model or field that no longer exists. Remove (or rename) these "
        f"lines:\n\n{lines}\n"
    )


def test_covers_every_model_of_the_apps_including_historical_ones():
    models = dc.classified_models()
    labels = {m._meta.label for m in models}
    assert {"housing.User", "housing.Lessor", "tenders.Tender"} <= labels
    assert {"housing.HistoricalUser", "tenders.HistoricalTender"} <= labels
    for model in models:
        for name in dc.model_field_names(model):
            assert isinstance(dc.classify(model, name), dc.DataClass)


def test_every_installed_app_with_models_is_classified():
    with_models = {a.label for a in apps.get_app_configs() if list(a.get_models())}
    assert with_models <= set(dc.CLASSIFIED_APPS), (
        "Add these apps to CLASSIFIED_APPS in config/data_classification.py: "
        f"{sorted(with_models - set(dc.CLASSIFIED_APPS))}"
    )


def test_historical_fields_take_the_audited_fields_class():
    historical_user = apps.get_model("housing", "HistoricalUser")
    historical_lessor = apps.get_model("housing", "HistoricalLessor")
    assert dc.classify(historical_user, "email") is dc.PERSONAL
    assert dc.classify(historical_lessor, "name") is dc.PUBLIC
    for name in ("history_user_id", "history_date", "history_type", "history_id"):
        assert dc.classify(historical_lessor, name) is dc.PERSONAL


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("housing.User.email", dc.PERSONAL),
        ("housing.User.password", dc.PERSONAL),
        ("housing.Lessor.name", dc.PUBLIC),
        ("housing.Membership.user", dc.PERSONAL),
    ],
)
def test_known_fields_have_the_expected_class(key, expected):
    assert dc.CLASSIFICATION[key] is expected


def test_a_new_field_is_reported_with_the_line_to_add(monkeypatch):
    reduced = dict(dc.CLASSIFICATION)
    del reduced["housing.Lessor.slug"]
    monkeypatch.setattr(dc, "CLASSIFICATION", reduced)
    # Reported once, as the audited model's field, not again for HistoricalLessor.
    assert dc.unclassified_fields() == ["housing.Lessor.slug"]


def test_a_stale_or_miscased_entry_is_reported(monkeypatch):
    monkeypatch.setattr(
        dc,
        "CLASSIFICATION",
        {
            **dc.CLASSIFICATION,
            "housing.Lessor.gone": dc.PUBLIC,
            "housing.lessor.name": dc.PUBLIC,
            "housing.NoSuchModel.id": dc.PUBLIC,
            "elsewhere.Model.field": dc.PUBLIC,
        },
    )
    assert set(dc.stale_entries()) == {
        "housing.Lessor.gone",
        "housing.lessor.name",
        "housing.NoSuchModel.id",
        "elsewhere.Model.field",
    }
