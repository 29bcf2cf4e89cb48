from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IContains
from django.utils import translation
from simple_history.models import HistoricalRecords

from cases.choices import PreferredContact, Sex
from cases.models.base import BaseModel


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def person_name(given_name: str, family_name: str, language: str | None = None) -> str:
    """A name as the reader's language writes it: "Jane Smith"; in Chinese family name first and no comma
    ("张伟" for a Chinese name, "Smith Jane" for a name in Latin script)."""
    language = language or translation.get_language() or ""
    if language.startswith("zh"):
        separator = "" if _is_cjk(family_name + given_name) else " "
        return f"{family_name}{separator}{given_name}".strip()
    return f"{given_name} {family_name}"


def listed_name(given_name: str, family_name: str, chinese: bool) -> tuple[str, str, str]:
    """(family name, separator, given name) as a list prints a name, family name first: ("SMITH", ", ", "Jane");
    in Chinese as written and without a comma, as person_name: ("张", "", "伟"), ("Smith", " ", "Jane")."""
    if chinese:
        return family_name, "" if _is_cjk(family_name + given_name) else " ", given_name
    return family_name.upper(), ", ", given_name


class PatientQuerySet(models.QuerySet["Patient"]):
    def active(self) -> PatientQuerySet:
        return self.filter(archived_at__isnull=True)

    def matching(self, text: str) -> PatientQuerySet:
        """Patients whose hospital number or name matches `text` (`matching_q`)."""
        return self.filter(matching_q(text))


def matching_q(text: str, through: str = "") -> Q:
    """A patient whose hospital number is `text` (the whole number, any case) or whose name holds it: by any part,
    or whole in either order, with a space or without ("张伟" as Chinese clinicians write it, family name first;
    "Ada Lovelace" or "Lovelace Ada"; issue 15). The text is taken with its spaces squeezed to one ("Ada   Lovelace"
    as typed in haste) and, where that differs, as typed (a name saved with two spaces or a no-break space inside
    it, typed the same way); `through` is the path to the patient from the model filtered ("patient__" for a case).
    Either part alone is within "family given", so three names are tested, not five."""
    family, given = F(f"{through}family_name"), F(f"{through}given_name")
    names = (Concat(family, Value(" "), given), Concat(given, Value(" "), family), Concat(family, given))
    terms = Q()
    for typed in dict.fromkeys((" ".join(text.split()), text.strip())):
        terms |= Q(**{f"{through}mrn__iexact": typed})
        for name in names:
            terms |= Q(IContains(name, typed))
    return terms


class Patient(BaseModel):
    """A person with one or more GIST episodes. Never hard-deleted from the UI: archived instead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mrn = models.CharField("hospital number (MRN)", max_length=32, unique=True)
    given_name = models.CharField("given name", max_length=100)
    family_name = models.CharField("family name", max_length=100)
    date_of_birth = models.DateField("date of birth")
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    # Postal address (letters) and the family doctor (GP letters).
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=16, blank=True)
    gp_name = models.CharField("GP name", max_length=200, blank=True)
    gp_practice_address = models.CharField("GP practice address", max_length=300, blank=True)
    email_consent = models.BooleanField("agrees to receive letters by email", default=False)
    preferred_contact = models.CharField(
        "preferred contact for follow-up",
        max_length=10,
        choices=PreferredContact.choices,
        default=PreferredContact.PHONE,
    )
    # The language the patient reads: the MDT report and the patient letter print in it (issue 15); blank: the
    # language of the user who prints.
    language = models.CharField(
        "language for reports and letters", max_length=10, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            # The few archived patients, found without reading every patient (issue 16).
            models.Index(
                fields=["archived_at"], condition=models.Q(archived_at__isnull=False), name="patient_archived"
            ),
        ]

    def __str__(self) -> str:
        if (translation.get_language() or "").startswith("zh"):
            return f"{self.full_name} ({self.mrn})"
        return f"{self.family_name.upper()}, {self.given_name} ({self.mrn})"

    @property
    def postal_address(self) -> list[str]:
        return [line for line in (self.address_line1, self.address_line2, self.town, self.postcode) if line]

    @property
    def full_name(self) -> str:
        return person_name(self.given_name, self.family_name)
