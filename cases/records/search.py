"""The case list's search (cases/records/views.py `case_list`).

Testing a name reads every patient: the database builds the three whole names of each and looks for the text in
each (about 15 ms for 20,000 patients on SQLite, 20 ms on PostgreSQL). As a filter over the cases joined to their
patients the page did it twice, for its count and for its rows, each to the end of the table when few patients
match: a search by hospital number or whole name took 66-69 ms on SQLite and 100-108 ms on PostgreSQL, against
13 ms for the list unfiltered (issue 16). Now the matching patients' ids are read first, once, and the count and
the page select the cases by them (18-20 ms and 26-27 ms). When many patients match (a search by a few letters), the
join is kept: it finds a page of dense matches among the cases most recently updated without reading every patient,
where thousands of ids would cost more to send than to find again.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case, Patient
from cases.models.patient import matching_q

#: Up to this many matching patients the cases are selected by the patients' ids, read once; past it by the join.
#: Measured with 20,000 cases (a page of the list, SQLite and PostgreSQL): 1,109 ids 35-46 ms against 52-105 by the
#: join; 11,111 ids 180-280 ms against 32-46.
MATCHED_PATIENTS_LISTED = 2000


def search_cases(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases of `cases` whose patient matches `text` (`matching_q`)."""
    patients = Patient.objects.matching(text).order_by().values_list("pk", flat=True)
    ids = list(patients[: MATCHED_PATIENTS_LISTED + 1])
    if len(ids) > MATCHED_PATIENTS_LISTED:
        return cases.filter(matching_q(text, through="patient__"))
    return cases.filter(patient_id__in=ids)
