"""List the cases whose stored assessment a newer rule-set version would answer differently (for the MDT)."""

from django.core.management.base import BaseCommand

from cases.records.assessment import cases_changed_by_current_rules, first_difference

WHAT = {
    "risk": "modified NIH risk",
    "pathway": "pathway",
    "adjuvant": "adjuvant",
    "surveillance": "surveillance",
}


def _worded(what: str, value: object) -> str:
    """An answer as the engine's codes: "high", "resection", "recommended 36", "31 visits, 2026-04-15 to 2039-01-15"."""
    if what == "adjuvant":
        return " ".join(str(part) for part in value if part is not None)  # type: ignore[attr-defined]
    if what == "surveillance":
        return f"{len(value)} visits, {value[0][0]} to {value[-1][0]}" if value else "no visits"  # type: ignore[index, arg-type]
    return str(value or {"risk": "not assessable", "pathway": "undetermined"}[what])


class Command(BaseCommand):
    help = (
        "List every case whose latest stored assessment was made with a superseded rule-set version and whose "
        "risk category, pathway, adjuvant advice or surveillance schedule differs under the current rules (same stored facts). "
        "Nothing is changed: re-assess each case from its page after the MDT has reviewed it."
    )

    def handle(self, *args, **options) -> None:
        changes = cases_changed_by_current_rules()
        for change in changes:
            case = change.case
            self.stdout.write(
                f"case {case.pk}  MRN {case.patient.mrn}  {change.stored_version} -> {change.current_version}"
            )
            for what, before, after in change.changes:
                line = f"    {WHAT[what]}: {_worded(what, before)} -> {_worded(what, after)}"
                if what == "surveillance":
                    line += f"; the first to differ is due {first_difference(before, after)}"  # type: ignore[arg-type]
                self.stdout.write(line)
        self.stdout.write(f"{len(changes)} case(s) answered differently by the current rules.")
