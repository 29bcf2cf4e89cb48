"""The wizard's forms: one plain Form per data-entry step.

Each form parses and normalises (clean_<field> returns domain types: Decimal sizes, int counts, dates), leaves out
the fields that its branch hides (cases.records.validation.hidden_fields) and runs the cross-field rules of
cases.records.validation on its values merged over the saved case (`context`). Writes happen in cases.records.services.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    AdjuvantDecision,
    Approach,
    ClinicalFeature,
    DuodenalLocation,
    EusFeature,
    GastricLocation,
    Genotype,
    GenotypeDetail,
    GrowthPattern,
    Margin,
    PreferredContact,
    PresentationKind,
    RectalLevel,
    Ruleset,
    RuptureGrade,
    SdhResult,
    Sex,
    Site,
    StainResult,
)
from cases.models import Diagnostics, Patient
from cases.records.validation import (
    LABELS,
    OPERATION_DETAIL_FIELDS,
    hidden_fields,
    parse_hpf_area,
    parse_mitoses,
    parse_size_cm,
    validate_case_data,
)
from cases.text_safety import clean_identifier, clean_name

NOT_RECORDED = [("", _("Not recorded"))]
# RULES.md section 1 (Oslo criteria: Holmebakk T et al. Br J Surg 2016;103:684-91; Nishida T et al. Ann Surg
# Oncol 2019), shown where rupture is entered.
RUPTURE_DEFINITIONS = _(
    "Oslo criteria. Major (treated as rupture): tumour fracture or spillage, blood-stained ascites, GI perforation "
    "at the tumour site, microscopic infiltration of an adjacent organ, intralesional dissection or piecemeal "
    "resection, incisional biopsy. Minor (not treated as rupture): peritoneal tumour penetration, iatrogenic "
    "capsule laceration. A core-needle biopsy is not rupture."
)
#: A step's items (templates/jinja2/forms/bootstrap5/step.html draws a fieldset's with it; StepForm.render_branch one
#: branch alone, the htmx fragment).
ITEMS_TEMPLATE = "forms/bootstrap5/step_items.html"


class Item(NamedTuple):
    """One item of a step's fieldset (StepForm.layout), drawn by ITEMS_TEMPLATE:

    - "field": the field `name`;
    - "radios": the yes/no/unknown field `name`, its choices in a line;
    - "row": the fields `names`, side by side on wide screens;
    - "branch": the branch `name`, a div holding the fields `names` (always drawn, even empty: the place its fields
      are swapped into by htmx when its deciding field changes);
    - "update": the button that refreshes the form without JavaScript (drawn only then), its words `text`, and its
      hidden words `after` saying after changing what.
    """

    kind: str
    name: str = ""
    names: tuple[str, ...] = ()
    text: str = ""
    after: str = ""


def _date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class TriStateSelect(forms.RadioSelect):
    """Yes / No / Not recorded radios for a nullable boolean (issue 10 finding 6: no default answer)."""

    def __init__(self, *, not_recorded: bool = True, attrs=None) -> None:
        choices = [("yes", _("Yes")), ("no", _("No"))]
        if not_recorded:
            choices.append(("unknown", _("Not recorded")))
        super().__init__(attrs=attrs, choices=choices)
        self.not_recorded = not_recorded

    def format_value(self, value):
        parsed = TriStateField.parse(value)
        if parsed is None:  # "Not recorded" is the truth when nothing was entered; yes/no never pre-ticked
            return ["unknown"] if self.not_recorded else []
        return ["yes" if parsed else "no"]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class TriStateField(forms.Field):
    """A finding answered yes (True), no (False) or not recorded (None); nothing is assumed.

    Accepts the radios' "yes"/"no"/"unknown" and, for older clients and tests, "on"/"true"/"1" and
    "off"/"false"/"0". `required`: an answer (yes or no) must be given.
    """

    TRUE = frozenset({"yes", "on", "true", "1", "True"})
    FALSE = frozenset({"no", "off", "false", "0", "False"})

    def __init__(self, *, label: str, required: bool = False, help_text: str = "") -> None:
        super().__init__(
            label=label,
            required=required,
            help_text=help_text,
            widget=TriStateSelect(not_recorded=not required),
        )

    @classmethod
    def parse(cls, value) -> bool | None:
        if value is True or value is False:
            return value
        if isinstance(value, str):
            if value in cls.TRUE:
                return True
            if value in cls.FALSE:
                return False
        return None

    def to_python(self, value) -> bool | None:
        return self.parse(value)

    def validate(self, value) -> None:
        if self.required and value is None:
            raise forms.ValidationError(
                gettext("%(label)s: choose yes or no.") % {"label": self.label}, code="required"
            )


def _typed_number(label: str, help_text: str, *, decimal: bool = False) -> forms.CharField:
    """An optional number typed as text and parsed by the form's clean_<field> (messages naming the field)."""
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal" if decimal else "numeric", "autocomplete": "off"}
        ),
    )


def _choice(label: str, choices: list, *, required: bool = False, blank_label: str = _("Not recorded")):
    return forms.ChoiceField(label=label, required=required, choices=[("", blank_label), *choices])


class StepForm(forms.Form):
    """Base of the step forms.

    `context`: the saved case's values that the rules of this step depend on (e.g. the date of diagnosis when
    checking the date of surgery). `fragment_url`: where the fields that decide a branch (site, size...) post
    to re-render the fields with htmx; without it (tests, no JavaScript) the "Update form" button does it.
    """

    #: Fieldsets: (legend, items) in display order; an item is a field name, a branch id ("branch-site") or a
    #: tuple of field names shown side by side on wide screens.
    sections: tuple[tuple[str, tuple], ...] = ()
    #: Branches: id -> (the field that decides it, the fields it holds). Each branch is its own <div id>, so
    #: htmx swaps only that div when its deciding field changes and never touches a field being typed in.
    branches: dict[str, tuple[str, tuple[str, ...]]] = {}
    #: The step's fields in their fieldsets, in Bootstrap 5's markup, as crispy-forms' layout drew them
    #: (gistcare/form_renderer.py).
    template_name = "forms/bootstrap5/step.html"

    def __init__(
        self,
        *args,
        context: Mapping | None = None,
        fragment_url: str | None = None,
        today: date | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = dict(context or {})
        self.today = today or timezone.localdate()
        self.hidden = hidden_fields({**self.context, **self.raw_values()})
        for name in self.hidden:
            self.fields.pop(name, None)
        for field in self.fields.values():
            self._name_the_field_in_messages(field)
        if fragment_url:
            for branch, (driver, _names) in self.branches.items():
                if driver in self.fields:
                    self.fields[driver].widget.attrs.update(
                        {
                            "hx-post": f"{fragment_url}?fragment={branch}",
                            "hx-trigger": "change",
                            "hx-target": f"#{branch}",
                            "hx-swap": "outerHTML",
                            "hx-include": "#step-form",
                            "aria-controls": branch,
                        }
                    )
        #: What the page draws (templates/jinja2/forms/bootstrap5/step.html): for each fieldset, (legend, items).
        self.layout: list[tuple[str, list[Item]]] = [
            (legend, items) for legend, names in self.sections if (items := self._items(names))
        ]

    def _branch(self, branch: str) -> Item:
        _driver, names = self.branches[branch]
        return Item("branch", branch, tuple(n for n in names if n in self.fields))

    def _items(self, names: tuple[str, ...]) -> list[Item]:
        items: list[Item] = []
        for name in names:
            if isinstance(name, tuple):  # fields side by side on wide screens
                present = tuple(n for n in name if n in self.fields)
                if present:
                    items.append(Item("row", names=present))
            elif name in self.branches:
                items.append(self._branch(name))
                # Without JavaScript the branch is refreshed by a plain post, right where it is needed.
                driver = self.branches[name][0]
                label = self.fields[driver].label if driver in self.fields else gettext("the answers above")
                after = gettext("after changing %(label)s") % {"label": label}
                items.append(Item("update", text=gettext("Update form"), after=after))
            elif name in self.fields:
                items.append(
                    Item("radios" if isinstance(self.fields[name], TriStateField) else "field", name)
                )
        return items

    def render_branch(self, branch: str) -> SafeString:
        """Only one branch's div (the htmx fragment)."""
        return self.render(ITEMS_TEMPLATE, context={"form": self, "items": [self._branch(branch)]})

    @staticmethod
    def _name_the_field_in_messages(field: forms.Field) -> None:
        # Django's stock messages ("This field is required.") do not say which field; the error summary at
        # the top of the page lists them out of context, so every message starts with the label.
        # In the language of the request (the form is built per request); "{label}" is filled here, while
        # %(limit_value)s is left for Django to fill.
        label = str(field.label)
        messages = {
            "required": gettext("{label}: this field is required.").format(label=label),
            "invalid": gettext("{label}: enter a valid value.").format(label=label),
            "invalid_choice": gettext("{label}: choose one of the options offered.").format(label=label),
            "min_value": gettext("{label}: must be %(limit_value)s or more.").format(label=label),
            "max_value": gettext("{label}: must be %(limit_value)s or less.").format(label=label),
            "null_characters_not_allowed": gettext(
                "{label}: contains a null character (U+0000); type it again without it."
            ).format(label=label),
        }
        if isinstance(field, forms.DateField):
            messages["invalid"] = gettext("{label}: enter a date such as 2026-01-15.").format(label=label)
        elif isinstance(field, forms.IntegerField):
            messages["invalid"] = gettext("{label}: enter a whole number.").format(label=label)
        elif isinstance(field, forms.EmailField):
            messages["invalid"] = gettext("{label}: enter an email address such as name@example.org.").format(
                label=label
            )
        field.error_messages.update(messages)

    def raw_values(self) -> dict:
        """What the user has typed (bound form) or what the form starts with, before any validation."""
        values = {}
        for name, field in self.fields.items():
            if self.is_bound:
                values[name] = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                if isinstance(field, TriStateField):  # "no" is a string, but it means False
                    values[name] = TriStateField.parse(values[name])
            else:
                values[name] = self.initial.get(name, field.initial)
        return values

    def clean(self) -> dict:
        cleaned = super().clean()
        merged = {**self.context, **cleaned}
        for field, messages in validate_case_data(merged, today=self.today).items():
            if field in self.errors:  # the field's own message already says what is wrong with it
                continue
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


def initial_from_data(form_class: type[StepForm], data: Mapping) -> dict:
    """Posted values turned into initial values, to redisplay a form without validating it ("Update form")."""
    initial = {}
    for name, field in form_class.base_fields.items():
        value = field.widget.value_from_datadict(data, {}, name)
        initial[name] = TriStateField.parse(value) if isinstance(field, TriStateField) else value
    return initial


class PatientForm(StepForm):
    sections = (
        (_("Patient"), (("mrn", "given_name", "family_name"), ("date_of_birth", "sex"))),
        (_("Contact for follow-up"), (("phone", "email", "preferred_contact"), ("language",))),
        (_("Case"), (("diagnosis_date", "ruleset"),)),
    )

    mrn = forms.CharField(label=_("Hospital number (MRN)"), max_length=32)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    date_of_birth = _date_field(_("Date of birth"), required=True)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    preferred_contact = forms.ChoiceField(
        label=_("Preferred contact for follow-up"),
        choices=PreferredContact.choices,
        initial=PreferredContact.PHONE,
    )
    # The patient's language: the MDT report and the letters print in it (issue 15).
    language = forms.ChoiceField(
        label=_("Language for reports and letters"),
        choices=[("", _("The language of the user who prints")), *settings.LANGUAGES],
        required=False,
    )
    diagnosis_date = _date_field(
        _("Date of diagnosis"), help_text=_("Starts the surveillance schedule when not resected.")
    )
    ruleset = forms.ChoiceField(label=_("Guideline rule set"), choices=Ruleset.choices)

    def __init__(self, *args, patient: Patient | None = None, **kwargs) -> None:
        # The patient whose record this form edits (None: a new case, which may be for a known patient).
        self.patient = patient
        super().__init__(*args, **kwargs)

    def clean_mrn(self) -> str:
        mrn = clean_identifier(self.cleaned_data["mrn"], label=_("Hospital number (MRN)"))
        if not mrn:
            raise forms.ValidationError(gettext("Hospital number (MRN): this field is required."))
        return mrn

    def clean_given_name(self) -> str:
        return clean_name(self.cleaned_data["given_name"], label=_("Given name"))

    def clean_family_name(self) -> str:
        return clean_name(self.cleaned_data["family_name"], label=_("Family name"))

    def clean(self) -> dict:
        cleaned = super().clean()
        mrn = cleaned.get("mrn")
        if not mrn:
            return cleaned
        other = Patient.objects.filter(mrn__iexact=mrn).first()
        if other is None or (self.patient is not None and other.pk == self.patient.pk):
            return cleaned
        if self.patient is not None:
            self.add_error(
                "mrn",
                gettext("Hospital number (MRN): %(mrn)s already belongs to another patient.") % {"mrn": mrn},
            )
            return cleaned
        # A new case for a patient already on record: the same person only if name and birth date agree, so a
        # mistyped number never attaches a tumour to someone else.
        same_person = (
            other.family_name.casefold() == (cleaned.get("family_name") or "").casefold()
            and other.given_name.casefold() == (cleaned.get("given_name") or "").casefold()
            and other.date_of_birth == cleaned.get("date_of_birth")
        )
        if not same_person:
            self.add_error(
                "mrn",
                gettext(
                    "Hospital number (MRN): %(mrn)s belongs to a patient with a different name or date of birth; "
                    "check the number."
                )
                % {"mrn": mrn},
            )
        return cleaned


class PresentationForm(StepForm):
    sections = (
        (_("Tumour"), ("presentation", "branch-presentation", "site", "branch-site", "size_cm", "branch-size",
                    "growth_pattern")),
        (_("Findings"), ("boundary_clear", "adherent_to_adjacent_organs", "clinical_features", "r0_feasible",
                      "major_morbidity_expected")),
        (_("Diagnostics"), ("biopsy_done", "branch-biopsy", "histology_confirmed", "cd117", "dog1", "sdh_ihc")),
    )  # fmt: skip
    branches = {
        "branch-presentation": ("presentation", ("metastatic_sites", "recurrence_date")),
        "branch-site": ("site", ("gastric_location", "duodenal_location", "rectal_level")),
        "branch-size": ("size_cm", ("eus_features",)),
        "branch-biopsy": ("biopsy_done", ("biopsy_date", "biopsy_method")),
    }

    presentation = forms.ChoiceField(
        label=_("Presentation"), choices=PresentationKind.choices, initial=PresentationKind.LOCALIZED
    )
    metastatic_sites = forms.CharField(label=_("Metastatic sites"), max_length=200, required=False)
    recurrence_date = _date_field(
        LABELS["recurrence_date"],
        help_text=_("When the recurrence or metastasis was found; may follow the surgery."),
    )
    site = _choice(_("Primary site"), Site.choices, required=True, blank_label=_("Choose the site"))
    gastric_location = _choice(_("Location within the stomach"), GastricLocation.choices)
    duodenal_location = _choice(_("Duodenal wall"), DuodenalLocation.choices)
    rectal_level = _choice(_("Rectal level"), RectalLevel.choices)
    size_cm = forms.CharField(
        label=_("Largest diameter (cm)"),
        help_text=_("Greater than 0 and at most 50 cm."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    eus_features = forms.MultipleChoiceField(
        label=_("Adverse EUS features"),
        choices=EusFeature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Lesions smaller than 2 cm: any of these counts as an adverse feature."),
    )
    growth_pattern = _choice(_("Growth pattern"), GrowthPattern.choices)
    boundary_clear = TriStateField(label=_("Tumour boundary clear"))
    adherent_to_adjacent_organs = TriStateField(label=_("Serious adhesion to adjacent organs"))
    clinical_features = forms.MultipleChoiceField(
        label=_("Clinical features"),
        choices=ClinicalFeature.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    r0_feasible = TriStateField(label=_("R0 resection feasible"))
    major_morbidity_expected = TriStateField(
        label=_("Resection would need multivisceral or mutilating surgery")
    )
    biopsy_done = forms.BooleanField(label=_("Biopsy performed"), required=False)
    biopsy_date = _date_field(_("Biopsy date"))
    biopsy_method = _choice(_("Biopsy method"), Diagnostics.BiopsyMethod.choices)
    histology_confirmed = TriStateField(label=_("Histology confirms GIST"))
    cd117 = _choice(_("CD117 (KIT)"), StainResult.choices)
    dog1 = _choice(_("DOG1"), StainResult.choices)
    sdh_ihc = _choice(_("SDHB immunohistochemistry"), SdhResult.choices)

    def clean_size_cm(self) -> Decimal:
        return parse_size_cm(self.cleaned_data["size_cm"])

    def clean(self) -> dict:
        cleaned = super().clean()
        # The contract refuses a gastric location unless the site is the stomach; the field is not offered for
        # the junction, and a value posted anyway (an old page, no JavaScript) is refused, not dropped.
        if cleaned.get("site") == "egj" and self.data.get("gastric_location"):
            self.add_error(
                None,
                f"{LABELS['gastric_location']}: applies only to a tumour of the stomach; a tumour of the "
                "oesophagogastric junction has no location within the stomach.",
            )
        return cleaned


class OperationForm(StepForm):
    sections = ((_("Operation"), ("resected", "branch-resected")),)
    branches = {
        "branch-resected": ("resected", OPERATION_DETAIL_FIELDS),
    }

    resected = TriStateField(label=_("The tumour was resected"), required=True)
    surgery_date = _date_field(_("Date of surgery"))
    approach_used = _choice(_("Approach used"), Approach.choices)
    converted_to_open = forms.BooleanField(label=_("Converted to open"), required=False)
    margin = _choice(_("Margin"), Margin.choices, blank_label=_("Not reported"))
    rupture_grade = forms.ChoiceField(
        label=_("Tumour rupture (before or during surgery)"),
        required=False,
        choices=[("", _("Not recorded")), *RuptureGrade.choices],
        widget=forms.RadioSelect,
        help_text=RUPTURE_DEFINITIONS,
    )
    nodes_removed = forms.BooleanField(label=_("Lymph nodes removed"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("resected"):
            if (
                "surgery_date" in self.fields
                and not cleaned.get("surgery_date")
                and "surgery_date" not in self.errors
            ):
                self.add_error("surgery_date", gettext("Date of surgery: enter the date of the operation."))
            if "approach_used" in self.fields and not cleaned.get("approach_used"):
                self.add_error(
                    "approach_used", gettext("Approach used: choose the approach of the operation.")
                )
        return cleaned


class PathologyForm(StepForm):
    sections = (
        (_("Pathology and molecular"), ("mitoses_per_5mm2", ("mitoses_per_50hpf", "hpf_field_area_mm2"),
                                     "nodes_positive", "genotype", "genotype_detail", "exon_detail")),
        (_("Treatment decisions"), ("neoadjuvant_months", "branch-neoadjuvant", "adjuvant_decision",
                                 "branch-adjuvant", "therapy_start_date")),
    )  # fmt: skip
    branches = {
        "branch-neoadjuvant": (
            "neoadjuvant_months",
            ("pre_treatment_size_cm", "pre_treatment_mitoses_per_5mm2"),
        ),
        "branch-adjuvant": (
            "adjuvant_decision",
            ("adjuvant_start", "adjuvant_dose_mg", "adjuvant_planned_months"),
        ),
    }

    mitoses_per_5mm2 = _typed_number(
        _("Mitoses per 5 mm²"),
        _("A whole number from 0 to 1000. Counted per 50 HPF instead? Give that count and the field area."),
    )
    mitoses_per_50hpf = _typed_number(
        LABELS["mitoses_per_50hpf"],
        _("Instead of a count per 5 mm²: converted as count × 5 / (50 × area) per 5 mm² (ESMO 2022)."),
    )
    hpf_field_area_mm2 = _typed_number(
        LABELS["hpf_field_area_mm2"],
        _("From the microscope: often 0.20-0.24 mm² (50 HPF are 10-12 mm², not 5 mm²)."),
        decimal=True,
    )
    nodes_positive = TriStateField(label=_("Regional lymph node metastasis (N1)"))
    genotype = forms.ChoiceField(label=_("Genotype"), choices=Genotype.choices, initial=Genotype.NOT_TESTED)
    genotype_detail = _choice(LABELS["genotype_detail"], GenotypeDetail.choices)
    exon_detail = forms.CharField(
        label=_("Mutation detail (note)"),
        max_length=200,
        required=False,
        help_text=_(
            "Free text from the molecular report, kept as a note; the engine reads the choice above."
        ),
    )
    neoadjuvant_months = forms.IntegerField(
        label=_("Neoadjuvant imatinib given (months)"), min_value=0, max_value=120, initial=0, required=False
    )
    pre_treatment_size_cm = _typed_number(
        LABELS["pre_treatment_size_cm"],
        _("On imaging before neoadjuvant therapy: the risk is graded on it (ESMO 2022)."),
        decimal=True,
    )
    pre_treatment_mitoses_per_5mm2 = _typed_number(
        LABELS["pre_treatment_mitoses_per_5mm2"],
        _("The count after imatinib is unreliable (ESMO 2022); a whole number from 0 to 1000."),
    )
    therapy_start_date = _date_field(
        LABELS["therapy_start_date"],
        help_text=_("The surveillance schedule of systemic therapy counts from it; may be a planned date."),
    )
    adjuvant_decision = forms.ChoiceField(
        label=_("Adjuvant imatinib"),
        choices=[("", _("Not decided yet")), *AdjuvantDecision.choices],
        required=False,
    )
    adjuvant_start = _date_field(_("Adjuvant start"), help_text=_("May be a planned date."))
    adjuvant_dose_mg = forms.IntegerField(
        label=_("Adjuvant dose (mg/day)"), min_value=100, max_value=800, required=False
    )
    adjuvant_planned_months = forms.IntegerField(
        label=_("Adjuvant imatinib after surgery (months)"),
        min_value=1,
        max_value=240,
        required=False,
        # One meaning everywhere (issue 17 item 11): months after surgery, as the engine's adjuvant duration.
        help_text=_("Months of adjuvant imatinib after surgery, not counting neoadjuvant months."),
    )

    def _count(self, name: str) -> int | None:
        raw = self.cleaned_data[name]
        return None if raw in (None, "") else parse_mitoses(raw, name)

    def clean_mitoses_per_5mm2(self) -> int | None:
        return self._count("mitoses_per_5mm2")

    def clean_mitoses_per_50hpf(self) -> int | None:
        return self._count("mitoses_per_50hpf")

    def clean_pre_treatment_mitoses_per_5mm2(self) -> int | None:
        return self._count("pre_treatment_mitoses_per_5mm2")

    def clean_hpf_field_area_mm2(self) -> Decimal | None:
        raw = self.cleaned_data["hpf_field_area_mm2"]
        return None if raw in (None, "") else parse_hpf_area(raw)

    def clean_pre_treatment_size_cm(self) -> Decimal | None:
        raw = self.cleaned_data["pre_treatment_size_cm"]
        return None if raw in (None, "") else parse_size_cm(raw, "pre_treatment_size_cm")

    def clean_neoadjuvant_months(self) -> int:
        return self.cleaned_data.get("neoadjuvant_months") or 0


STEP_FORMS: dict[str, type[StepForm]] = {
    "patient": PatientForm,
    "presentation": PresentationForm,
    "operation": OperationForm,
    "pathology": PathologyForm,
}
