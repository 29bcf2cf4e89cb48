"""The engine's texts in the reader's language, by the engine's stable ids (issue 15).

The engine (guidelines/) stays language-free: each recommendation and warning carries a stable id and its
English text, formatted from a template of its rule set. Here the template of that id is found, the values
are read back out of the English text, and the catalogue's translation of the template is formatted with them.
A template the catalogue does not translate yet prints the engine's English unchanged (never nothing).

`TRANSLATED` lists, for makemessages, every engine template and parameter phrase the catalogue translates
(the English text is the msgid, so a changed rule text falls back to English until it is translated again).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext, gettext_noop

from cases.labels import RISK_LABELS, drug_label

TRANSLATED = (
    # Recommendations on the surgeon's main path (a resected gastric GIST, ESMO 2022 and CSCO 2020).
    gettext_noop("Tumour resected: adjuvant therapy and surveillance follow the pathology of the specimen."),
    gettext_noop(
        "Pathology: CD117 (KIT) and/or DOG1 immunohistochemistry (about 5% of GISTs are CD117-negative); fix in 4% "
        "buffered formalin, never Bouin (it prevents molecular analysis)."
    ),
    gettext_noop(
        "Mutation analysis (KIT, PDGFRA) is required; when wild-type, work up SDH (immunohistochemistry), NF1, BRAF "
        "and NTRK."
    ),
    gettext_noop("Manage within a multidisciplinary team at a specialist centre."),
    # Advanced disease after an operation (RULES.md section 6).
    gettext_noop(
        "Operation on record in advanced disease: after complete resection of metastases imatinib continues (it is "
        "not stopped because the disease is no longer visible)."
    ),
    gettext_noop("High risk (modified NIH): adjuvant imatinib recommended for {months} months."),
    gettext_noop(
        "Intermediate risk (modified NIH): consider adjuvant imatinib in a shared decision; {months} months if given."
    ),
    gettext_noop(
        "Intermediate risk (modified NIH), gastric group: adjuvant imatinib recommended for {months} months."
    ),
    gettext_noop(
        "Intermediate risk (modified NIH), non-gastric site: adjuvant imatinib recommended for {months} months."
    ),
    gettext_noop("Low or very low risk (modified NIH): adjuvant therapy is not recommended."),
    gettext_noop(
        "Tumour rupture: adjuvant imatinib recommended for {months} months; longer or lifelong treatment may be considered."
    ),
    gettext_noop("Tumour rupture: adjuvant imatinib recommended for {months} months; consider longer."),
    gettext_noop(
        "High risk: imaging every 3 months during the {a} months of adjuvant therapy (ESMO range 3-6 months; local "
        "default 3), then every 3 months for 2 years after it stops, every 6 months to 5 years and yearly to 10 years "
        "after it stops."
    ),
    gettext_noop(
        "High risk: CT or MRI every 3 months for 3 years, every 6 months to year 5 and yearly to year 10, with a chest "
        "X-ray every year to year 5."
    ),
    gettext_noop(
        "Intermediate risk: CT or MRI every 3 months for 3 years, every 6 months to year 5 and yearly to year 10, with "
        "a chest X-ray every year to year 5."
    ),
    gettext_noop("Low risk: imaging every 6 months to 5 years."),
    gettext_noop("Low risk: imaging every 6 months to 5 years (ESMO range 6-12 months; local default 6)."),
    gettext_noop(
        "Tumour of 2 cm or more: resection (biopsy first when neoadjuvant therapy is considered or the diagnosis is uncertain)."
    ),
    gettext_noop("Gastric tumour of 5 cm or less: laparoscopic (wedge) resection."),
    gettext_noop("Tumour larger than 10 cm: open surgery."),
    gettext_noop(
        "R0 resection with an intact pseudocapsule; a margin of 1 cm, even 5 mm from the tumour base, suffices; no "
        'extended or "regular" resection; preserve organ function.'
    ),
    gettext_noop("No routine lymphadenectomy: clear obviously enlarged nodes, with frozen section."),
    gettext_noop(
        "Avoid tumour rupture: Handle the tumour gently. Never grasp the tumour with forceps. Cover the tumour with "
        "gauze. Protect the surrounding organs when the tumour is large or cystic. Make the incision larger than the "
        "tumour's largest diameter. Extract the specimen in a bag. Convert to open surgery in time."
    ),
    # Pathways, approaches and other fixed statements of both rule sets.
    gettext_noop(
        "Metastatic or recurrent GIST: systemic therapy, continued indefinitely (interruption leads to rapid progression)."
    ),
    gettext_noop(
        "Rectal GIST of any size: resection (biopsy or excision) after endorectal ultrasound and pelvic MRI; surveillance is not appropriate."
    ),
    gettext_noop("Tumour under 2 cm at a site where surveillance is not an option: resection."),
    gettext_noop(
        "Determine the genotype on the biopsy before starting neoadjuvant therapy: PDGFRA D842V needs avapritinib, and SDH-deficient, NF1, BRAF and NTRK GIST get no neoadjuvant imatinib."
    ),
    gettext_noop(
        "Take multiple core biopsies (EUS-guided or percutaneous) before neoadjuvant therapy or multivisceral surgery."
    ),
    gettext_noop("Confirm the histology by biopsy before starting systemic therapy."),
    gettext_noop(
        "Unclear tumour boundary: open surgery (the boundary can be felt, avoiding over- and under-resection)."
    ),
    gettext_noop("Serious adhesion to surrounding organs: open surgery."),
    gettext_noop(
        "Tumour at the cardia/EGJ or the pylorus: open surgery (a hand-sewn closure under direct vision avoids cardia or pyloric stenosis)."
    ),
    gettext_noop(
        "Record the location within the stomach: the approach depends on it (cardia and pylorus need open surgery). Until then the approach is individualised by the MDT."
    ),
    gettext_noop("Jejunal or ileal tumour of 5 cm or less: laparoscopic resection."),
    gettext_noop(
        "Jejunal or ileal tumour larger than 5 cm: open resection (laparoscopic localisation first is fine)."
    ),
    gettext_noop(
        "Duodenal tumour on the lateral wall, under 2 cm or exophytic: open local excision and suture, avoiding pancreaticoduodenectomy."
    ),
    gettext_noop("Duodenal tumour that is not a lateral-wall tumour under 2 cm or exophytic: open surgery."),
    gettext_noop("Colon or mid/high rectum: laparoscopic resection, without lymph node clearance."),
    gettext_noop(
        "Low rectal tumour: local excision, after neoadjuvant imatinib when that makes sphincter preservation possible."
    ),
    gettext_noop(
        "Record the level of the rectal tumour (low, mid or high): the approach depends on it. Until then the approach is individualised by the MDT."
    ),
    gettext_noop("No default approach for a tumour at this site: individualised by the MDT."),
    gettext_noop(
        "SDH-deficient GIST: resect lymph nodes with confirmed metastases; no routine lymphadenectomy otherwise."
    ),
    gettext_noop(
        "Mutation analysis is not required for a non-rectal GIST under 2 cm that will not need medical treatment."
    ),
    gettext_noop(
        "Tumour under 2 cm with adverse EUS or clinical features: resection (endoscopic resection is acceptable when complete and without rupture)."
    ),
    gettext_noop(
        "Small nodule (under 2 cm) with a biopsy-confirmed GIST: resection (endoscopic resection is acceptable when complete and without rupture)."
    ),
    gettext_noop(
        "Small nodule (under 2 cm) with a confirmed GIST, but resection would cause major morbidity: surveillance (EUS at 3 months, then longer intervals if there is no growth)."
    ),
    gettext_noop(
        "Small nodule (under 2 cm) without a tissue diagnosis and without adverse features: surveillance (EUS at 3 months, then longer intervals if there is no growth)."
    ),
    gettext_noop(
        "Gastric/EGJ tumour under 2 cm with adverse features: endoscopic or laparoscopic resection (endoscopic resection when complete and without rupture)."
    ),
    gettext_noop(
        "Gastric tumour larger than 5 cm and up to 10 cm: open surgery (larger tumours are not routinely resected laparoscopically)."
    ),
    gettext_noop(
        "Gastric/EGJ tumour under 2 cm with adverse EUS or clinical features: resection, open or laparoscopic (class I); laparoscopic or endoscopic resection in an experienced centre for the lesser curvature, posterior wall and EGJ (class II, 2B)."
    ),
    gettext_noop(
        "Gastric tumour under 2 cm with adverse features on the lesser curvature, posterior wall or cardia/EGJ: endoscopic or laparoscopic resection in an experienced centre."
    ),
    gettext_noop(
        "Gastric tumour larger than 5 cm and up to 10 cm at this location: open surgery (stapled closure of an endophytic tumour here would narrow the lumen)."
    ),
    gettext_noop("Gastric/EGJ tumour under 2 cm without adverse features: endoscopic (EUS) surveillance."),
    gettext_noop(
        "Alternative: resection where endoscopic follow-up is difficult or the site suits laparoscopy."
    ),
    gettext_noop("Gastric tumour under 2 cm with adverse features: open or laparoscopic resection."),
    gettext_noop(
        "Gastric tumour larger than 5 cm and up to 10 cm on the greater curvature or antrum, or exophytic on the anterior wall: laparoscopic resection (size is not absolute when the location suits)."
    ),
    gettext_noop(
        "KIT/PDGFRA wild-type: complete the work-up (SDH immunohistochemistry, NF1, BRAF, NTRK); these genotypes gain nothing from imatinib."
    ),
    gettext_noop(
        "Resected tumour without a mitotic count: the risk cannot be stratified. Record the count per 5 mm2; until then adjuvant therapy and surveillance are undetermined (unless the tumour ruptured)."
    ),
    gettext_noop(
        "Resected tumour without a size: the risk cannot be stratified. Record the largest diameter."
    ),
    gettext_noop(
        "Both CD117 (KIT) and DOG1 are negative: review the diagnosis with the pathologist before treating the tumour as a GIST (mutation analysis can support it)."
    ),
    gettext_noop(
        "Macroscopic residual tumour (R2): the adjuvant rules assume a complete resection; further treatment is individualised by the MDT."
    ),
    gettext_noop(
        "The tumour is under 2 cm but marked locally advanced or R0 not feasible: the rules consider neoadjuvant therapy only from 2 cm; individualised by the MDT."
    ),
    gettext_noop(
        "Obstruction or perforation is recorded for a nodule under surveillance; the rules list only bleeding and ulceration as adverse clinical features: individualised by the MDT."
    ),
    gettext_noop("Tumour size unknown: the pathway cannot be determined yet."),
    gettext_noop(
        "Intermediate risk, no adjuvant therapy, follows the high-risk schedule (local default; ESMO gives none): "
        "imaging every 3 months for 2 years after surgery, every 6 months to 5 years and yearly to 10 years."
    ),
    gettext_noop(
        "High risk, no adjuvant therapy: imaging every 3 months for 2 years after surgery (ESMO range 3-6 months; "
        "local default 3), every 6 months to 5 years and yearly to 10 years."
    ),
    # Advanced disease, neoadjuvant and adjuvant details, schedules (issue 15: the rest of the engine's texts).
    gettext_noop(
        "Risk not assessable after neoadjuvant imatinib (no pre-treatment size and biopsy mitotic count recorded): adjuvant imatinib to complete {months} months in total."
    ),
    gettext_noop(
        "Recorded adjuvant decision: imatinib {decision}; the surveillance schedule counts {months} months of adjuvant therapy."
    ),
    gettext_noop("{genotype}: adjuvant imatinib is not recommended whatever the risk (no benefit)."),
    gettext_noop(
        "KIT exon 9 mutation: adjuvant imatinib {dose} mg/day (the rule set's dose). ESMO 2022 notes that there is no prospective evidence for 800 mg in the adjuvant setting and 400 mg/day is the standard alternative: the MDT decision records which dose is given."
    ),
    gettext_noop(
        "Neoadjuvant imatinib counts towards the total: {total} months planned, {neoadjuvant} already given, {remaining} months after surgery."
    ),
    gettext_noop(
        "After neoadjuvant imatinib the specimen's mitotic count is unreliable: the adjuvant advice follows the pre-treatment risk (modified NIH {category}: {size} cm on imaging, {mitoses} mitoses per 5 mm2 on the biopsy)."
    ),
    gettext_noop("A microscopic margin (R1) does not by itself change the adjuvant decision."),
    gettext_noop(
        "KIT/PDGFRA wild-type without further work-up: adjuvant imatinib is downgraded from recommended to consider until SDH, NF1, BRAF and NTRK have been tested."
    ),
    gettext_noop(
        "SDHB immunohistochemistry is lost: the tumour is treated as SDH-deficient GIST for every rule (no adjuvant or neoadjuvant imatinib){conflict}."
    ),
    gettext_noop(
        "The count of {hpf} per 50 HPF converts to {converted} per 5 mm2 (field area {area} mm2), in another band than the raw count: check the field area with the pathologist."
    ),
    gettext_noop(
        "{genotype} is not sensitive to imatinib: no neoadjuvant imatinib; the pathway stays resection and the MDT decides (ESMO 2022 [III, A])."
    ),
    gettext_noop(
        "{reason}: neoadjuvant {drug} {dose} mg/day, usually for {months_min}-{months_max} months to maximal response, then resection; check the response early (2-3 months) and then every 3 months."
    ),
    gettext_noop(
        "After neoadjuvant imatinib the specimen's size and mitotic count understate the risk (ESMO 2022) and no pre-treatment size and biopsy mitotic count are recorded: the risk is not assessable. Record them to stratify the risk; until then adjuvant imatinib completes 36 months in total and surveillance follows the intermediate/high-risk schedule (local default)."
    ),
    gettext_noop(
        "Minor rupture (Oslo criteria: peritoneal tumour penetration or iatrogenic capsule laceration) is not treated as rupture: risk, adjuvant therapy and surveillance follow the size, mitotic count and site."
    ),
    gettext_noop("Resected tumour without a date of surgery: the surveillance schedule cannot be dated."),
    gettext_noop(
        "Start date of the current line of systemic therapy not recorded: the schedule counts from {reference} ({basis}). Record the start date: the schedule's reference is the start of the current line."
    ),
    gettext_noop(
        "Intermediate risk follows the high-risk schedule (local default; ESMO gives none): imaging every 3 months during the {a} months of adjuvant therapy, then every 3 months for 2 years after it stops, every 6 months to 5 years and yearly to 10 years after it stops."
    ),
    gettext_noop(
        "Tumour rupture without 12 months of adjuvant imatinib: imaging every 3 months for 3 years, every 6 months to year 5, then yearly to year 10."
    ),
    gettext_noop(
        "Tumour rupture (as high risk): CT or MRI every 3 months for 3 years, every 6 months to year 5 and yearly to year 10, with a chest X-ray every year to year 5."
    ),
    gettext_noop(
        "Tumour rupture with {a} months of adjuvant imatinib (12 or more): imaging follows the intermediate/high-risk schedule counted from the end of imatinib, so it stays 3-monthly for two years after imatinib stops, when recurrence is most likely (the fixed rupture schedule would make it less frequent exactly then)."
    ),
    gettext_noop(
        "Small nodule under surveillance: EUS at 3 months, then yearly to 5 years if there is no growth."
    ),
    gettext_noop("Small nodule under surveillance: EUS every 6 months for 2 years, then yearly to 5 years."),
    gettext_noop(
        "Systemic therapy: imaging every 3 months from the start of the current line of therapy, renewed while treatment goes on (the schedule always holds the next 2 years of visits)."
    ),
    gettext_noop("Very low risk after resection: probably no routine follow-up (the risk is not zero)."),
    gettext_noop("Very low risk: followed as low risk (local default): imaging every 6 months to 5 years."),
    gettext_noop("KIT exon 9 mutation, advanced disease: first-line imatinib 800 mg/day."),
    gettext_noop(
        "KIT exon 9 mutation, advanced disease: first-line imatinib 600 mg/day (used in Chinese practice; verify locally)."
    ),
    gettext_noop(
        "The rules give no further line after the genotype-specific first line: later lines are individualised by the MDT."
    ),
    gettext_noop("Line {line}: {drug}, {dose}."),
    gettext_noop(
        "The rules give no genotype-specific first line for NF1-associated GIST: the standard sequence is shown and the choice is individualised by the MDT."
    ),
    gettext_noop(
        # xgettext:no-python-format
        "Assess response with the Choi criteria (partial response: at least 10% decrease in size or 15% decrease in CT attenuation) as well as RECIST 1.1 (partial response: at least 30% decrease; progression: at least 20% increase); a new nodule inside a mass signals progression."
    ),
    gettext_noop(
        "Surgery in advanced disease is palliative (bleeding, obstruction, perforation), or cytoreductive for limited disease responding to imatinib, best between 6 months and 2 years after starting it; multifocal progression does poorly; the TKI resumes after surgery."
    ),
    # Warnings.
    gettext_noop(
        "Not recorded, so the rules assumed: {assumed}. Record these findings to confirm the answer."
    ),
    gettext_noop(
        "Mutation analysis (KIT, PDGFRA) is required but the genotype is not tested: the recommendations assume an "
        "imatinib-sensitive tumour until the result is known."
    ),
    # Parameter phrases (guidelines.inputs.FINDING_LABELS, answered yes or no).
    gettext_noop("tumour boundary clear"),
    gettext_noop("serious adhesion to adjacent organs"),
    gettext_noop("histology confirmed"),
    gettext_noop("R0 resection feasible"),
    gettext_noop("major morbidity expected from resection"),
    gettext_noop("tumour resected"),
    gettext_noop("tumour rupture"),
    gettext_noop("regional lymph node metastasis"),
    gettext_noop("yes"),
    gettext_noop("no"),
    # Surveillance phases (guidelines.PHASE_LABELS, printed by cases.labels.phase_label).
    gettext_noop("During adjuvant imatinib"),
    gettext_noop("After adjuvant: 3-monthly, years 1-2"),
    gettext_noop("After adjuvant: 6-monthly to year 5"),
    gettext_noop("After adjuvant: yearly to year 10"),
    gettext_noop("3-monthly, years 1-3"),
    gettext_noop("6-monthly, years 4-5"),
    gettext_noop("Yearly, years 6-10"),
    gettext_noop("Yearly chest X-ray"),
    gettext_noop("6-monthly after low-risk resection"),
    gettext_noop("Small-nodule surveillance"),
    gettext_noop("On systemic therapy"),
    # The evidence grade printed where the source grades nothing (guidelines.records.NOT_GRADED).
    gettext_noop("not graded in the source"),
)


# The values the engine puts into its templates' {placeholders}, in the reader's language: drugs and doses of the
# rule sets' lines, genotype names (guidelines.GENOTYPE_LABELS), the reasons for neoadjuvant therapy, a recorded
# adjuvant decision, the basis of a reference date (guidelines/engine.py).
PARAMETERS = (
    gettext_noop("today"),
    gettext_noop("[I, A]; 37.5 mg continuously: [III, C]"),
    gettext_noop(
        "sunitinib 50 mg once daily 4 weeks on / 2 weeks off (or 37.5 mg continuously), or regorafenib 160 mg once daily on days 1-21 of each 28-day cycle; imatinib has little activity"
    ),
    gettext_noop(
        "160 mg once daily on days 1-21 of each 28-day cycle (monitor liver function: severe hepatotoxicity)"
    ),
    gettext_noop("given"),
    gettext_noop("declined"),
    gettext_noop("R0 resection not feasible"),
    gettext_noop("Locally advanced tumour"),
    gettext_noop("locally advanced tumour"),
    gettext_noop("Resection would need major (multivisceral or mutilating) surgery"),
    gettext_noop("resection would need major (multivisceral or mutilating) surgery"),
    gettext_noop("the reference date given"),
    gettext_noop("400 mg once daily"),
    gettext_noop("600 mg once daily"),
    gettext_noop("800 mg daily"),
    gettext_noop("150 mg once daily"),
    gettext_noop("300 mg once daily"),
    gettext_noop("50 mg once daily 4 weeks on / 2 weeks off, or 37.5 mg once daily continuously"),
    gettext_noop("larotrectinib or entrectinib"),
    gettext_noop("larotrectinib 100 mg twice daily, or entrectinib 600 mg once daily"),
    gettext_noop("dabrafenib + trametinib"),
    gettext_noop("off-label; dose individualised by the MDT"),
    gettext_noop("sunitinib or regorafenib"),
    gettext_noop("KIT exon 11"),
    gettext_noop("KIT exon 9"),
    gettext_noop("KIT (other exon)"),
    gettext_noop("PDGFRA (other than D842V)"),
    gettext_noop("SDH-deficient GIST"),
    gettext_noop("NF1-associated GIST"),
    gettext_noop("BRAF-mutant GIST"),
    gettext_noop("NTRK-fusion GIST"),
    gettext_noop("KIT/PDGFRA wild-type GIST"),
    gettext_noop("genotype not tested"),
)


# What guidelines/progression.py proposes on progression (its texts are fixed: no placeholders).
PROGRESSION = (
    gettext_noop("Imatinib dose escalation from 400 to 800 mg/day, before the next line."),
    gettext_noop("Focal progression: surgery or local treatment may be considered."),
    gettext_noop(
        "Next line: individualised by the MDT (the rule set gives no sequence after this genotype's or drug's first line)."
    ),
    gettext_noop("Next line: imatinib 400 mg/day."),
    gettext_noop("Next line: sunitinib 50 mg/day 4 weeks on / 2 off, or 37.5 mg/day continuously [III, C]."),
    gettext_noop(
        "Next line: regorafenib 160 mg/day on days 1-21 of each 28-day cycle; monitor liver function."
    ),
    gettext_noop("Next line: ripretinib 150 mg/day."),
    gettext_noop("The standard lines are used up: the next step is individualised by the MDT."),
)

# The notes printed beside the risk: why the schemes disagree (guidelines.risk.DISAGREEMENT_TEXTS) and
# guidelines.engine.RISK_NOTE_TEXTS. Templates; their categories are printed with the risk labels (RISK_LABELS).
NOTES = (
    gettext_noop(
        "NIH 2002 ignores site: a non-gastric tumour is graded as if gastric (modified NIH {modified_nih} without "
        "rupture, NIH 2002 {nih_2002})."
    ),
    gettext_noop(
        "Tumour rupture makes modified NIH high whatever the size and count; NIH 2002, AFIP and TNM ignore rupture "
        "(without it modified NIH would be {modified_nih})."
    ),
    gettext_noop(
        "AFIP has insufficient data for this cell ({column} column, {size_band}, {mitoses_band} mitoses per 5 mm2): "
        "it gives no category."
    ),
    gettext_noop(
        "The AFIP {afip} category for a tumour of 2 cm or less with more than 5 mitoses rests on few cases and has "
        "no published percentage."
    ),
    gettext_noop(
        "AFIP and TNM cut mitoses at 5 only, so a count above 10 is treated like 6; modified NIH and NIH 2002 grade "
        "more than 10 mitoses as high at any size."
    ),
    gettext_noop(
        "AFIP and TNM cut mitoses at 5 only, while modified NIH uses 6-10 as a band of its own (intermediate for a "
        "gastric tumour up to 5 cm)."
    ),
    gettext_noop("Omental GIST is graded with the gastric group in every scheme (TNM and AFIP practice)."),
    gettext_noop(
        "TNM is stage IV because of {reasons}; the recurrence-risk schemes do not use nodes or metastases."
    ),
    gettext_noop(
        "KIT exon 11 deletion involving codons 557/558: a higher risk of recurrence in the first years after surgery "
        "(relative risk about 3; Martin-Broto J et al. (GEIS) Ann Oncol 2010;21:1552-7). Shown beside the risk; it "
        "does not change the category."
    ),
    gettext_noop(
        "Mitotic count converted from 50 HPF: {hpf} x 5 / (50 x {area} mm2) = {converted} per 5 mm2 (50 HPF are not "
        "5 mm2 on most microscopes: ESMO 2022)."
    ),
)

# The values those notes are filled with, other than categories and numbers (guidelines/risk.py's tables).
NOTE_PARAMETERS = (
    gettext_noop("gastric"),
    gettext_noop("duodenal"),
    gettext_noop("jejunum/ileum"),
    gettext_noop("rectal"),
    gettext_noop("2 cm or less"),
    gettext_noop("more than 2 cm and up to 5 cm"),
    gettext_noop("more than 5 cm and up to 10 cm"),
    gettext_noop("more than 10 cm"),
    gettext_noop("5 or fewer"),
    gettext_noop("more than 5"),
    gettext_noop("positive regional nodes (N1)"),
    gettext_noop("metastases (M1)"),
    gettext_noop("positive regional nodes (N1) and metastases (M1)"),
)
#: Placeholders of NOTES filled with a risk category as the engine writes it ("very low").
_CATEGORY_PLACEHOLDERS = frozenset({"modified_nih", "nih_2002", "afip"})


@functools.cache
def _templates() -> dict[str, tuple[str, ...]]:
    """Every template the engine can print, by id (an id has one template per rule set that words it)."""
    from guidelines import RULESETS, WARNINGS
    from guidelines.rulesets.base import AdjuvantRule, Schedule

    found: dict[str, list[str]] = {}

    def add(item_id: str, text: str) -> None:
        if text not in found.setdefault(item_id, []):
            found[item_id].append(text)

    for ruleset in RULESETS.values():
        for statement in ruleset.statements.values():
            add(statement.id, statement.text)
        for f in dataclasses.fields(ruleset):
            value = getattr(ruleset, f.name)
            values = (
                value.values() if hasattr(value, "values") else value if isinstance(value, tuple) else [value]
            )
            for item in values:
                if isinstance(item, AdjuvantRule):
                    add(item.id, item.text)
                elif isinstance(item, Schedule):
                    add(f"surveillance.{item.key}", item.text)
                    if item.text_no_adjuvant:  # printed when A = 0 (guidelines.engine._schedule_statement)
                        add(f"surveillance.{item.key}", item.text_no_adjuvant)
    for warning_id, warning in WARNINGS.items():
        add(warning_id, warning if isinstance(warning, str) else warning.text)
    return {key: tuple(value) for key, value in found.items()}


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(f"(?P<{p}>.+?)" if i % 2 else re.escape(p) for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.S)


def engine_phrase(value: object) -> str:
    """A value the engine prints (a drug, a dose, a genotype) in the reader's language; unknown: as it is."""
    return _value(str(value or ""))


def _value(value: str) -> str:
    """A parameter in the reader's language: a drug, a phrase the catalogue knows, or "finding: yes; ..."."""
    if drug_label(value) != value:
        return drug_label(value)
    if gettext(value) != value:  # a whole phrase (a dose may itself hold ": " or "; ")
        return gettext(value)
    segments = []
    for segment in value.split("; "):
        name, sep, answer = segment.partition(": ")
        segments.append(
            f"{gettext(name)}{'：' if _is_chinese() else ': '}{gettext(answer)}" if sep else gettext(segment)
        )
    return ("；" if _is_chinese() else "; ").join(segments)


def _is_chinese() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")


def rule_text(item: dict) -> str:
    """The text of a recommendation or warning (`{"id", "text"}` from the engine) in the reader's language."""
    text = str(item.get("text") or "")
    item_id = re.sub(r"^systemic\.line_\d+$", "systemic.line", str(item.get("id") or ""))
    if not text or not _is_chinese():
        return text
    return _translated(text, _templates().get(item_id, ()), lambda _name, value: _value(value))


def _translated(text: str, templates: Iterable[str], value: Callable[[str, str], str]) -> str:
    """`text` in the reader's language: the catalogue's translation of the first of `templates` it was formatted
    from, filled with its values through `value(placeholder, value)`; a template not translated yet (or none
    matching): `text` unchanged."""
    for template in templates:
        match = _pattern(template).match(text)
        if match is None:
            continue
        translated = gettext(template)
        if translated == template:
            return text
        # A translation whose placeholders do not match its template prints the engine's English, never a 500.
        with contextlib.suppress(KeyError, IndexError, ValueError):
            return translated.format(**{name: value(name, v) for name, v in match.groupdict().items()})
        return text
    return text


@functools.cache
def _note_templates() -> tuple[str, ...]:
    from guidelines.engine import RISK_NOTE_TEXTS
    from guidelines.risk import DISAGREEMENT_TEXTS

    return (*DISAGREEMENT_TEXTS.values(), *RISK_NOTE_TEXTS.values())


def note_text(text: str) -> str:
    """A note the engine prints beside the risk (why the schemes disagree, a KIT 557/558 deletion, a count
    converted from 50 HPF) in the reader's language; one not translated yet: in the engine's English."""
    if not text or not _is_chinese():
        return text
    return _translated(text, _note_templates(), _note_value)


def _note_value(name: str, value: str) -> str:
    if (
        name in _CATEGORY_PLACEHOLDERS
    ):  # a category as the engine writes it ("very low"), printed as its label
        return str(RISK_LABELS.get(value.replace(" ", "_"), value))
    return _value(value)


_LOCAL_DEFAULT = re.compile(r"^local default \(after (?:the )?(?P<source>.+)\)$", re.S)


def source_text(source: object) -> str:
    """A recommendation's source in the reader's language: a publication as published; the app's own words
    around it ("local default (after ESMO 2022)", guidelines.rulesets.common) translated."""
    text = str(source or "")
    match = _LOCAL_DEFAULT.match(text)
    if match is None or not _is_chinese():
        return text
    return gettext("local default (after {source})").format(source=match["source"])


def evidence_text(evidence: object) -> str:
    """An evidence grade in the reader's language ("not graded in the source" is translated too)."""
    # A grade is a code ([I, A], class I, 2A) except where the source words a part of it (e.g. sunitinib's
    # "37.5 mg continuously: [III, C]"): those are in the catalogue.
    return gettext(str(evidence)) if evidence else ""
