"""Forms of the applicant portal: they parse input only; the services check the rules.

Every page's form carries ``expected_version``, the application's ``row_version`` the
page showed (optimistic concurrency: a stale page is refused by the service). Yes/no
facts of one topic are checkboxes in a fieldset with a legend; questions asked of every
household member are one small form per member (``prefix`` ``m<pk>``).
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.forms import NajemFormMixin

from .constants import HousingStatus, MemberRole, Section, Sex
from .countries import country_choices
from .models import Application, Member

HIDDEN_VERSION = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CountryInput(forms.TextInput):
    """A text input with the countries as suggestions (a ``<datalist>`` of codes
    with their names in the page's language). Typing still works: a code, or a
    name in Slovenian or English (the service turns it into the code). A text input,
    not a select of 250 options: short to type on a phone, and ``IP`` fits in it."""

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-countries"
        context["widget"]["attrs"]["list"] = list_id
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or name}-countries"
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            country_choices("sl" if get_language() == "sl" else "en"),
        )
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _money(label, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
    )


def _flag(label, help_text="") -> forms.BooleanField:
    return forms.BooleanField(label=label, help_text=help_text, required=False)


class VersionedForm(NajemFormMixin, forms.Form):
    """A page's form: the version it showed, and the service's data."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "expected_version"}


HOUSING_HINTS = {
    HousingStatus.WITHOUT_DWELLING: _(
        "You have no home of your own: you stay in a shelter, a safe house, a "
        "maternity home, temporary or non-residential premises, or now and then with "
        "other people without a tenancy."
    ),
    HousingStatus.SUBTENANT: _(
        "You rent from a tenant (subtenancy), or you rent a dwelling at market rent."
    ),
    HousingStatus.WORKERS_HOME: _("You live in a workers' home (samski dom)."),
    HousingStatus.WITH_PARENTS: _(
        "You live in the dwelling of your parents or other relatives."
    ),
    HousingStatus.DENATIONALISED: _(
        "You rent a dwelling that was returned to its former owner (denationalisation)."
    ),
    HousingStatus.FORMER_CARETAKER: _(
        "You live in a caretaker's dwelling and no longer work as caretaker."
    ),
}
DASH = "\u2013"
# The statuses with a dwelling whose area is asked (conditional reveal).
STATUSES_WITH_AREA = [s.value for s in HousingStatus if s != "1.1"]


class MemberForm(VersionedForm):
    """One person: who they are, their citizenship and permanent residence."""

    role = forms.ChoiceField(
        label=_("Relationship to the applicant"),
        choices=[c for c in MemberRole.choices if c[0] != MemberRole.APPLICANT],
        widget=forms.RadioSelect,
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        help_text=_("For example 27. 3. 1985."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        help_text=_("As in the register of residents."),
    )
    emso = forms.CharField(
        label=_("EMŠO (personal identification number)"),
        max_length=20,
        required=False,
        help_text=_(
            "13 digits, on the identity card or the health insurance card. A member "
            "who is not a Slovenian citizen and has none may leave it empty."
        ),
    )
    citizenship = forms.CharField(
        label=_("Citizenship"),
        max_length=60,
        widget=CountryInput(),
        help_text=_(
            "The country's name or its two-letter code, for example SI for Slovenia, "
            "HR for Croatia, UA for Ukraine. A person granted international protection "
            "writes IP."
        ),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of permanent residence"),
        queryset=None,
        required=False,
        empty_label=_("Another municipality"),
    )
    other_municipality = forms.CharField(
        label=_("Another municipality"),
        max_length=100,
        required=False,
        help_text=_("Only if it is not in the list above."),
    )

    input_widths = {"emso": 20, "citizenship": 20}

    def __init__(self, *args, application: Application, applicant: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "municipality"
        ].queryset = application.tender.lessor.municipalities.order_by("name")
        self.fields["emso"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        )
        if applicant:
            del self.fields["role"]
            self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
            self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def service_data(self) -> dict:
        data = super().service_data()
        if "role" not in self.fields:
            data["role"] = MemberRole.APPLICANT
        return data


def member_initial(member: Member | None) -> dict:
    if member is None:
        return {}
    return {
        name: getattr(member, name)
        for name in (
            "role",
            "first_name",
            "last_name",
            "birth_date",
            "sex",
            "emso",
            "citizenship",
            "municipality",
            "other_municipality",
        )
    }


class ResidenceForm(VersionedForm):
    temporary_residence_in_shelter = _flag(
        _(
            "Because of domestic violence, the applicant stays in a shelter or safe "
            "house in the lessor's area"
        ),
        _("Then you may apply here even though your permanent residence is elsewhere."),
    )


class HousingForm(VersionedForm):
    housing_status = forms.ChoiceField(
        label=_("Where do you live now?"),
        choices=HousingStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Choose the one that describes your situation."),
    )
    dwelling_area_m2 = forms.DecimalField(
        label=_("Usable floor area of the dwelling you live in (m²)"),
        help_text=_(
            "The area of the whole dwelling, as in the tenancy agreement. Not asked "
            "if you are without a dwelling."
        ),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        localize=True,
    )
    inappropriate_dwelling = _flag(
        _("The dwelling is damp, has no bathroom or toilet, or is otherwise unfit"),
    )
    architectural_obstacles = _flag(
        _(
            "A member who uses a wheelchair cannot get in or move about because of "
            "steps, narrow doors or similar obstacles"
        ),
    )
    entrance_from_yard = _flag(_("The dwelling is entered directly from the yard"))
    lost_housing_right_by_court = _flag(
        _("You lost a tenancy or another housing right by a court decision"),
        _("For example an eviction because of unpaid rent (Art. 7)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["housing_status"]
        field.choices = [
            (value, f"{value} {DASH} {label}") for value, label in HousingStatus.choices
        ]
        field.hints = HOUSING_HINTS

    def clean(self):
        data = super().clean()
        # The area belongs to the statuses that reveal it: one hidden by choosing 1.1
        # is not an answer (GOV.UK conditional reveal).
        if data.get("housing_status") == HousingStatus.WITHOUT_DWELLING:
            data["dwelling_area_m2"] = None
        return data


class HealthForm(VersionedForm):
    supports_member_over_65 = _flag(_("You provide for a member older than 65"))
    single_parent = _flag(_("You are a single parent of minor children"))
    separated_from_minors = _flag(
        _("Parents and their minor children live apart because of housing")
    )
    pregnancy = _flag(_("A member of the household is pregnant"))
    illness_due_to_housing = _flag(
        _("A member is ill because of the housing conditions")
    )
    illness_minor_due_to_housing = _flag(
        _("A minor child is ill because of the housing conditions")
    )
    domestic_violence_victim = _flag(_("A member is a victim of domestic violence"))
    war_victim = _flag(_("A member has the status of a war victim"))
    disability_aids_monthly = _money(
        _("Monthly spending on aids a member's disability requires (EUR)"),
        _(
            "For example a wheelchair, hearing aids or incontinence aids, paid by the "
            "household. It is deducted from the household's income."
        ),
    )


class PropertyForm(VersionedForm):
    violence_co_ownership_unusable = _flag(
        _(
            "A victim of domestic violence co-owns a dwelling she or he cannot use "
            "because of the violence"
        ),
        _("Such a dwelling does not exclude you from the tender."),
    )


class CategoriesForm(VersionedForm):
    important_profession = _flag(
        _("A member works in a profession the municipality needs"),
        _("As the tender names them, for example nurses or teachers."),
    )
    other_categories = forms.MultipleChoiceField(
        label=_("Further categories of this tender"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose each that applies to your household."),
    )
    additional_conditions = forms.MultipleChoiceField(
        label=_("Additional conditions of this tender"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose each you meet; you will be asked for proof."),
    )

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        tender = application.tender
        categories = [
            (c.code, c.display_name)
            for c in tender.categories.all()
            if c.code[:6] == "other:"
        ]
        conditions = [(c.code, c.name) for c in tender.additional_conditions.all()]
        self.fields["other_categories"].choices = categories
        self.fields["additional_conditions"].choices = conditions
        if not categories:
            del self.fields["other_categories"]
        if not conditions:
            del self.fields["additional_conditions"]


class ContactForm(VersionedForm):
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Where the lessor sends letters about the application."),
    )


class ConfirmForm(VersionedForm):
    """A section confirmed as a whole (the household list, the documents)."""


class DeclarationForm(VersionedForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is true and complete"
        ),
        help_text=_(
            "Giving false information is a reason to refuse the application or "
            "terminate the tenancy."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the lessor checks these facts in official records (income, "
            "property, residence)"
        ),
        help_text=_("Special facts such as health are used for this tender only."),
    )


class IncomeMemberForm(NajemFormMixin, forms.Form):
    employed = _flag(_("Employed"))
    years_of_service = forms.DecimalField(
        label=_("Years of service"),
        help_text=_("Years of pensionable service, for example 12,5."),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    monthly_income = _money(
        _("Average monthly net income (EUR)"),
        _("Over the 12 months before the tender was published. 0 if none."),
    )


class HealthMemberForm(NajemFormMixin, forms.Form):
    disability = _flag(_("Has a disability"))
    wheelchair_user = _flag(_("Permanently uses a wheelchair"))
    deaf_or_blind = _flag(_("Is deaf or blind"))
    needs_permanent_assistance = _flag(_("Needs another person's permanent help"))
    institutional_care = _flag(_("Lives in institutional care"))


class PropertyMemberForm(NajemFormMixin, forms.Form):
    owns_dwelling = _flag(_("Owns or co-owns another dwelling or house"))
    nonprofit_tenant = _flag(_("Rents a non-profit dwelling for an indefinite period"))
    other_property_value = _money(
        _("Value of other property (EUR)"),
        _("Land, savings, securities, vehicles. 0 if none."),
    )
    business_property_value = _money(
        _("Value of business premises and equipment (EUR)"),
        _("Only what the member earns a living with. 0 if none."),
    )


class AmendmentAnswerForm(NajemFormMixin, forms.Form):
    # Not required here: documents uploaded for the request answer it too; the
    # service refuses an answer with neither (at this field).
    answer_text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional if the documents you uploaded for this request answer it."
        ),
    )


class PaperStartForm(NajemFormMixin, forms.Form):
    postal_address = forms.CharField(
        label=_("The applicant's postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person has no account: letters go to this address."),
    )


class SubmitForm(forms.Form):
    """Carries the service's refusal at submission into the error summary."""


class PaperSubmitForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("When the paper application was posted or handed in"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        required=False,
        help_text=_("Empty: now."),
    )


# The page form of each section (the applicant and the household have their own pages).
SECTION_FORMS = {
    Section.RESIDENCE: ResidenceForm,
    Section.HOUSING: HousingForm,
    Section.INCOME: ConfirmForm,
    Section.HEALTH: HealthForm,
    Section.PROPERTY: PropertyForm,
    Section.CATEGORIES: CategoriesForm,
    Section.CONTACT: ContactForm,
    Section.DOCUMENTS: ConfirmForm,
    Section.DECLARATION: DeclarationForm,
}
MEMBER_FORMS = {
    Section.INCOME: IncomeMemberForm,
    Section.HEALTH: HealthMemberForm,
    Section.PROPERTY: PropertyMemberForm,
}
