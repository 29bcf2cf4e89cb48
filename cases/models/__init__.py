"""Case records. One module per group of tables; import models from here."""

from cases.models.api import ApiToken
from cases.models.assessment import Assessment
from cases.models.case import Case, Diagnostics, Operation, Pathology, Presentation, TreatmentDecision
from cases.models.course import (
    DoseChange,
    DrugLevel,
    ImagingAssessment,
    LineInterruption,
    RecurrenceEvent,
    TargetLesion,
    TherapyLine,
)
from cases.models.export import ExportJob, ExportKind, ExportStatus
from cases.models.followup import (
    CalendarFeedToken,
    ContactAttempt,
    FollowUpItem,
    ReminderLog,
)
from cases.models.mdt import (
    SIGNABLE_DECISIONS,
    AgendaItem,
    AgendaItemStatus,
    DeferralNeed,
    Discipline,
    MdtDecision,
    MdtMeeting,
    SignedReport,
)
from cases.models.patient import Patient
from cases.models.printout import PrintoutJob, PrintoutPart, PrintoutStatus
from cases.models.profile import UserProfile
from cases.models.register_import import ImportJob, ImportStatus
from cases.models.rule_review import RuleReviewJob, RuleReviewKind, RuleReviewStatus
from cases.models.safety import (
    ESCALATION_LADDER,
    ClosureReason,
    EscalationOutcome,
    EscalationStep,
    EscalationStepKind,
    FollowUpClosure,
    Letter,
    LetterPurpose,
    LetterRecipient,
    LetterSentVia,
)

__all__ = [
    "RuleReviewJob",
    "RuleReviewKind",
    "RuleReviewStatus",
    "DoseChange",
    "DrugLevel",
    "ImagingAssessment",
    "RecurrenceEvent",
    "TargetLesion",
    "LineInterruption",
    "TherapyLine",
    "ESCALATION_LADDER",
    "ClosureReason",
    "EscalationOutcome",
    "EscalationStep",
    "EscalationStepKind",
    "FollowUpClosure",
    "Letter",
    "LetterPurpose",
    "LetterRecipient",
    "LetterSentVia",
    "ApiToken",
    "AgendaItem",
    "AgendaItemStatus",
    "DeferralNeed",
    "Discipline",
    "SIGNABLE_DECISIONS",
    "CalendarFeedToken",
    "ContactAttempt",
    "FollowUpItem",
    "MdtDecision",
    "MdtMeeting",
    "ReminderLog",
    "SignedReport",
    "Assessment",
    "Case",
    "Diagnostics",
    "ExportJob",
    "ExportKind",
    "ExportStatus",
    "ImportJob",
    "ImportStatus",
    "Operation",
    "Pathology",
    "Patient",
    "PrintoutJob",
    "PrintoutPart",
    "PrintoutStatus",
    "Presentation",
    "TreatmentDecision",
    "UserProfile",
]
