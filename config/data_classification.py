"""Every field of every model, classified in one place (GDPR Art. 5, 9, 25, 30).

``CLASSIFICATION`` maps ``"app_label.ModelName.field_name"`` to a :class:`DataClass` for
each concrete and many-to-many field of the models in :data:`CLASSIFIED_APPS`.
``tests/test_data_classification.py`` fails, listing the lines to add, when a field is
missing, and the lines to remove when an entry names a field that no longer exists.

How to choose:

- ``PUBLIC``: about organisations, tenders and rules; published or publishable; nothing
  about a natural person.
- ``PERSONAL``: relates to an identified or identifiable natural person (GDPR Art. 4(1)):
  names, contact details, EMŠO, incomes, household members, the ids of rows about a
  person, who did what and when, free text staff write about a case. When unsure, this.
- ``SPECIAL``: special categories (GDPR Art. 9) and data just as sensitive in a housing
  case: health, disability, domestic violence, ethnic origin, religion, sex life,
  criminal convictions (Art. 10). Most restricted: only the commission sees it, never
  in lists or logs.

Historical (audit) models of django-simple-history are not listed: each of their fields
takes the class of the same field of the audited model, and the ``history_*`` fields
(who changed it, when, how) are ``PERSONAL``. A historical many-to-many model (such as
``HistoricalLessor_municipalities``) takes the classes of its through model's fields,
which are listed here like any model's.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.apps import apps
from django.db import models


class DataClass(StrEnum):
    """How sensitive a field is (see the module docstring)."""

    PUBLIC = "public"
    PERSONAL = "personal"
    SPECIAL = "special"


PUBLIC = DataClass.PUBLIC
PERSONAL = DataClass.PERSONAL
SPECIAL = DataClass.SPECIAL

# Every installed app with models: Django's own and the libraries' tables hold personal
# data too (sessions, login records, second-factor secrets). A test fails when an
# installed app with models is missing here.
CLASSIFIED_APPS = (
    "admin",
    "auth",
    "contenttypes",
    "sessions",
    "axes",
    "otp_totp",
    "otp_static",
    "housing",
    "tenders",
    "scoring",
    "applications",
    "review",
    "lists",
    "django_tasks_database",
    "jobs",
)

# The class of every history_* field of a historical model.
HISTORY_FIELDS_CLASS = PERSONAL
# The history fields of a historical many-to-many model (its link to the historical row
# it belongs to, and its own key); its other fields take the through model's classes.
M2M_HISTORY_FIELDS = frozenset({"history", "m2m_history_id"})

CLASSIFICATION: dict[str, DataClass] = {
    # --- Django's own tables ----------------------------------------------------------
    # The admin's change log: who changed which object, and how.
    "admin.LogEntry.id": PERSONAL,
    "admin.LogEntry.action_time": PERSONAL,
    "admin.LogEntry.user": PERSONAL,
    "admin.LogEntry.content_type": PERSONAL,
    "admin.LogEntry.object_id": PERSONAL,
    "admin.LogEntry.object_repr": PERSONAL,
    "admin.LogEntry.action_flag": PERSONAL,
    "admin.LogEntry.change_message": PERSONAL,
    "auth.Permission.id": PUBLIC,
    "auth.Permission.name": PUBLIC,
    "auth.Permission.content_type": PUBLIC,
    "auth.Permission.codename": PUBLIC,
    "auth.Group.id": PUBLIC,
    "auth.Group.name": PUBLIC,
    "auth.Group.permissions": PUBLIC,
    "contenttypes.ContentType.id": PUBLIC,
    "contenttypes.ContentType.app_label": PUBLIC,
    "contenttypes.ContentType.model": PUBLIC,
    # Sessions hold who is signed in and their second-factor state; expired ones are
    # deleted by `manage.py purge_expired` (docs/operations.md).
    "sessions.Session.session_key": PERSONAL,
    "sessions.Session.session_data": PERSONAL,
    "sessions.Session.expire_date": PERSONAL,
    # --- django-axes: login records (email, IP address, browser), kept for
    # DJANGO_LOGIN_RECORDS_RETENTION_DAYS, then deleted by `manage.py purge_expired`.
    "axes.AccessFailureLog.id": PERSONAL,
    "axes.AccessFailureLog.user_agent": PERSONAL,
    "axes.AccessFailureLog.ip_address": PERSONAL,
    "axes.AccessFailureLog.username": PERSONAL,
    "axes.AccessFailureLog.http_accept": PERSONAL,
    "axes.AccessFailureLog.path_info": PERSONAL,
    "axes.AccessFailureLog.attempt_time": PERSONAL,
    "axes.AccessFailureLog.locked_out": PERSONAL,
    "axes.AccessAttempt.id": PERSONAL,
    "axes.AccessAttempt.user_agent": PERSONAL,
    "axes.AccessAttempt.ip_address": PERSONAL,
    "axes.AccessAttempt.username": PERSONAL,
    "axes.AccessAttempt.http_accept": PERSONAL,
    "axes.AccessAttempt.path_info": PERSONAL,
    "axes.AccessAttempt.attempt_time": PERSONAL,
    "axes.AccessAttempt.get_data": PERSONAL,
    "axes.AccessAttempt.post_data": PERSONAL,  # passwords are masked by axes
    "axes.AccessAttempt.failures_since_start": PERSONAL,
    "axes.AccessAttemptExpiration.access_attempt": PERSONAL,
    "axes.AccessAttemptExpiration.expires_at": PERSONAL,
    "axes.AccessLog.id": PERSONAL,
    "axes.AccessLog.user_agent": PERSONAL,
    "axes.AccessLog.ip_address": PERSONAL,
    "axes.AccessLog.username": PERSONAL,
    "axes.AccessLog.http_accept": PERSONAL,
    "axes.AccessLog.path_info": PERSONAL,
    "axes.AccessLog.attempt_time": PERSONAL,
    "axes.AccessLog.logout_time": PERSONAL,
    "axes.AccessLog.session_hash": PERSONAL,
    # --- django-otp: second-factor devices. The TOTP key and the backup codes are
    # credentials (stored in plain text by django-otp; never shown in the admin, see
    # OTP_ADMIN_HIDE_SENSITIVE_DATA); deleted with their user.
    "otp_totp.TOTPDevice.id": PERSONAL,
    "otp_totp.TOTPDevice.user": PERSONAL,
    "otp_totp.TOTPDevice.name": PERSONAL,
    "otp_totp.TOTPDevice.confirmed": PERSONAL,
    "otp_totp.TOTPDevice.throttling_failure_timestamp": PERSONAL,
    "otp_totp.TOTPDevice.throttling_failure_count": PERSONAL,
    "otp_totp.TOTPDevice.created_at": PERSONAL,
    "otp_totp.TOTPDevice.last_used_at": PERSONAL,
    "otp_totp.TOTPDevice.key": PERSONAL,
    "otp_totp.TOTPDevice.step": PERSONAL,
    "otp_totp.TOTPDevice.t0": PERSONAL,
    "otp_totp.TOTPDevice.digits": PERSONAL,
    "otp_totp.TOTPDevice.tolerance": PERSONAL,
    "otp_totp.TOTPDevice.drift": PERSONAL,
    "otp_totp.TOTPDevice.last_t": PERSONAL,
    "otp_static.StaticDevice.id": PERSONAL,
    "otp_static.StaticDevice.user": PERSONAL,
    "otp_static.StaticDevice.name": PERSONAL,
    "otp_static.StaticDevice.confirmed": PERSONAL,
    "otp_static.StaticDevice.throttling_failure_timestamp": PERSONAL,
    "otp_static.StaticDevice.throttling_failure_count": PERSONAL,
    "otp_static.StaticDevice.created_at": PERSONAL,
    "otp_static.StaticDevice.last_used_at": PERSONAL,
    "otp_static.StaticToken.id": PERSONAL,
    "otp_static.StaticToken.device": PERSONAL,
    "otp_static.StaticToken.token": PERSONAL,
    # --- housing ----------------------------------------------------------------------
    "housing.User.id": PERSONAL,
    "housing.User.password": PERSONAL,
    "housing.User.last_login": PERSONAL,
    "housing.User.is_superuser": PERSONAL,
    "housing.User.email": PERSONAL,
    "housing.User.full_name": PERSONAL,
    "housing.User.preferred_language": PERSONAL,
    "housing.User.is_active": PERSONAL,
    "housing.User.is_staff": PERSONAL,
    "housing.User.date_joined": PERSONAL,
    "housing.User.email_verified_at": PERSONAL,
    "housing.User.groups": PERSONAL,
    "housing.User.user_permissions": PERSONAL,
    "housing.Municipality.id": PUBLIC,
    "housing.Municipality.name": PUBLIC,
    "housing.Lessor.id": PUBLIC,
    "housing.Lessor.name": PUBLIC,
    "housing.Lessor.slug": PUBLIC,
    "housing.Lessor.type": PUBLIC,
    "housing.Lessor.code": PUBLIC,
    "housing.Lessor.address": PUBLIC,
    "housing.Lessor.postal_code": PUBLIC,
    "housing.Lessor.town": PUBLIC,
    "housing.Lessor.email": PUBLIC,
    "housing.Lessor.phone": PUBLIC,
    "housing.Lessor.website": PUBLIC,
    # Published on every invitation by design: an official acting in office.
    "housing.Lessor.signatory": PUBLIC,
    "housing.Lessor.created_at": PUBLIC,
    # The lessor-municipality link (the through table of Lessor.municipalities).
    "housing.Lessor_municipalities.id": PUBLIC,
    "housing.Lessor_municipalities.lessor": PUBLIC,
    "housing.Lessor_municipalities.municipality": PUBLIC,
    "housing.Lessor.municipalities": PUBLIC,
    # A staff member's role at a lessor is about that person.
    "housing.Membership.id": PERSONAL,
    "housing.Membership.user": PERSONAL,
    "housing.Membership.lessor": PERSONAL,
    "housing.Membership.role": PERSONAL,
    "housing.Membership.created_at": PERSONAL,
    # --- tenders ----------------------------------------------------------------------
    "tenders.Tender.id": PUBLIC,
    "tenders.Tender.lessor": PUBLIC,
    "tenders.Tender.title": PUBLIC,
    "tenders.Tender.title_en": PUBLIC,
    "tenders.Tender.code": PUBLIC,
    "tenders.Tender.status": PUBLIC,
    "tenders.Tender.rules_edition": PUBLIC,
    "tenders.Tender.published_on": PUBLIC,
    "tenders.Tender.deadline": PUBLIC,
    "tenders.Tender.amendment_days": PUBLIC,
    "tenders.Tender.results_expected_on": PUBLIC,
    "tenders.Tender.availability_note": PUBLIC,
    "tenders.Tender.availability_note_en": PUBLIC,
    "tenders.Tender.average_net_salary": PUBLIC,
    "tenders.Tender.salary_source_year": PUBLIC,
    "tenders.Tender.salary_source": PUBLIC,
    "tenders.Tender.salary_source_en": PUBLIC,
    "tenders.Tender.point_value": PUBLIC,
    "tenders.Tender.point_value_valid_from": PUBLIC,
    "tenders.Tender.admits_eu_citizens": PUBLIC,
    "tenders.Tender.admits_international_protection": PUBLIC,
    "tenders.Tender.own_share_required": PUBLIC,
    "tenders.Tender.own_share_terms": PUBLIC,
    "tenders.Tender.own_share_terms_en": PUBLIC,
    "tenders.Tender.security_required": PUBLIC,
    "tenders.Tender.security_terms": PUBLIC,
    "tenders.Tender.security_terms_en": PUBLIC,
    "tenders.Tender.separate_lists": PUBLIC,
    "tenders.Tender.dwellings_list_a": PUBLIC,
    "tenders.Tender.dwellings_list_b": PUBLIC,
    "tenders.Tender.average_rent": PUBLIC,
    "tenders.Tender.rent_regulations": PUBLIC,
    "tenders.Tender.rent_regulations_en": PUBLIC,
    "tenders.Tender.required_documents": PUBLIC,
    "tenders.Tender.required_documents_en": PUBLIC,
    "tenders.Tender.other_terms": PUBLIC,
    "tenders.Tender.other_terms_en": PUBLIC,
    "tenders.Tender.tie_break": PUBLIC,
    "tenders.Tender.created_at": PUBLIC,
    "tenders.Tender.updated_at": PUBLIC,
    "tenders.Tender.version": PUBLIC,
    "tenders.TenderCategory.id": PUBLIC,
    "tenders.TenderCategory.tender": PUBLIC,
    "tenders.TenderCategory.category": PUBLIC,
    "tenders.TenderCategory.slug": PUBLIC,
    "tenders.TenderCategory.name": PUBLIC,
    "tenders.TenderCategory.name_en": PUBLIC,
    "tenders.TenderCategory.substantiation": PUBLIC,
    "tenders.TenderCategory.substantiation_en": PUBLIC,
    "tenders.TenderCategory.points": PUBLIC,
    "tenders.TenderCategory.position": PUBLIC,
    "tenders.AdditionalCondition.id": PUBLIC,
    "tenders.AdditionalCondition.tender": PUBLIC,
    "tenders.AdditionalCondition.code": PUBLIC,
    "tenders.AdditionalCondition.name": PUBLIC,
    "tenders.AdditionalCondition.name_en": PUBLIC,
    "tenders.AdditionalCondition.description": PUBLIC,
    "tenders.AdditionalCondition.description_en": PUBLIC,
    "tenders.AdditionalCondition.points": PUBLIC,
    "tenders.AdditionalCondition.position": PUBLIC,
    "tenders.SubList.id": PUBLIC,
    "tenders.SubList.tender": PUBLIC,
    "tenders.SubList.list_kind": PUBLIC,
    "tenders.SubList.code": PUBLIC,
    "tenders.SubList.name": PUBLIC,
    "tenders.SubList.name_en": PUBLIC,
    "tenders.SubList.rule": PUBLIC,
    "tenders.SubList.dwellings": PUBLIC,
    "tenders.SubList.position": PUBLIC,
    # Who moved a tender, when, and their note: about a staff member.
    "tenders.TenderEvent.id": PUBLIC,
    "tenders.TenderEvent.tender": PUBLIC,
    "tenders.TenderEvent.from_status": PUBLIC,
    "tenders.TenderEvent.to_status": PUBLIC,
    "tenders.TenderEvent.by": PERSONAL,
    "tenders.TenderEvent.at": PERSONAL,
    "tenders.TenderEvent.note": PERSONAL,
    "tenders.AmendmentNotice.id": PUBLIC,
    "tenders.AmendmentNotice.tender": PUBLIC,
    "tenders.AmendmentNotice.text": PUBLIC,
    "tenders.AmendmentNotice.text_en": PUBLIC,
    "tenders.AmendmentNotice.new_deadline": PUBLIC,
    "tenders.AmendmentNotice.by": PERSONAL,
    "tenders.AmendmentNotice.published_at": PUBLIC,
    # The invitation as published (PDF files in MEDIA_ROOT): public text only.
    "tenders.TenderDocument.id": PUBLIC,
    "tenders.TenderDocument.tender": PUBLIC,
    "tenders.TenderDocument.language": PUBLIC,
    "tenders.TenderDocument.version": PUBLIC,
    "tenders.TenderDocument.file": PUBLIC,
    "tenders.TenderDocument.sha256": PUBLIC,
    "tenders.TenderDocument.size": PUBLIC,
    "tenders.TenderDocument.created_at": PUBLIC,
    "tenders.TenderDocument.created_by": PERSONAL,
    # --- applications -----------------------------------------------------------------
    # An application is about the household: everything PERSONAL; health, disability,
    # violence, pregnancy, war-victim status and children placed apart are SPECIAL (kept
    # out of the audit history and the event log: applications/constants.py).
    "applications.Application.id": PERSONAL,
    "applications.Application.tender": PERSONAL,
    "applications.Application.applicant": PERSONAL,
    "applications.Application.entered_by": PERSONAL,
    "applications.Application.postal_address": PERSONAL,
    "applications.Application.status": PERSONAL,
    "applications.Application.code": PERSONAL,
    "applications.Application.version": PERSONAL,
    "applications.Application.row_version": PERSONAL,
    "applications.Application.submitted_at": PERSONAL,
    "applications.Application.received_at": PERSONAL,
    "applications.Application.withdrawn_at": PERSONAL,
    "applications.Application.housing_status": PERSONAL,
    "applications.Application.dwelling_area_m2": PERSONAL,
    "applications.Application.inappropriate_dwelling": PERSONAL,
    "applications.Application.architectural_obstacles": SPECIAL,
    "applications.Application.entrance_from_yard": PERSONAL,
    "applications.Application.supports_member_over_65": PERSONAL,
    "applications.Application.separated_from_minors": SPECIAL,
    "applications.Application.single_parent": PERSONAL,
    "applications.Application.illness_minor_due_to_housing": SPECIAL,
    "applications.Application.illness_due_to_housing": SPECIAL,
    "applications.Application.pregnancy": SPECIAL,
    "applications.Application.disability_aids_monthly": SPECIAL,
    "applications.Application.domestic_violence_victim": SPECIAL,
    "applications.Application.violence_co_ownership_unusable": SPECIAL,
    "applications.Application.temporary_residence_in_shelter": SPECIAL,
    "applications.Application.war_victim": SPECIAL,
    "applications.Application.important_profession": PERSONAL,
    "applications.Application.lost_housing_right_by_court": PERSONAL,
    "applications.Application.other_categories": PERSONAL,
    "applications.Application.additional_conditions": PERSONAL,
    "applications.Application.section_status": PERSONAL,
    "applications.Application.created_at": PERSONAL,
    "applications.Application.updated_at": PERSONAL,
    "applications.Member.id": PERSONAL,
    "applications.Member.application": PERSONAL,
    "applications.Member.role": PERSONAL,
    "applications.Member.first_name": PERSONAL,
    "applications.Member.last_name": PERSONAL,
    "applications.Member.emso": PERSONAL,
    "applications.Member.birth_date": PERSONAL,
    "applications.Member.sex": PERSONAL,
    "applications.Member.citizenship": PERSONAL,
    "applications.Member.municipality": PERSONAL,
    "applications.Member.other_municipality": PERSONAL,
    "applications.Member.employed": PERSONAL,
    "applications.Member.years_of_service": PERSONAL,
    "applications.Member.monthly_income": PERSONAL,
    "applications.Member.disability": SPECIAL,
    "applications.Member.institutional_care": SPECIAL,
    "applications.Member.wheelchair_user": SPECIAL,
    "applications.Member.deaf_or_blind": SPECIAL,
    "applications.Member.needs_permanent_assistance": SPECIAL,
    "applications.Member.owns_dwelling": PERSONAL,
    "applications.Member.nonprofit_tenant": PERSONAL,
    "applications.Member.other_property_value": PERSONAL,
    "applications.Member.business_property_value": PERSONAL,
    "applications.Member.position": PERSONAL,
    # The receipt keeps the engine input as submitted: it holds special facts.
    "applications.ApplicationSubmission.id": PERSONAL,
    "applications.ApplicationSubmission.application": PERSONAL,
    "applications.ApplicationSubmission.version": PERSONAL,
    "applications.ApplicationSubmission.code": PERSONAL,
    "applications.ApplicationSubmission.submitted_at": PERSONAL,
    "applications.ApplicationSubmission.received_at": PERSONAL,
    "applications.ApplicationSubmission.by": PERSONAL,
    "applications.ApplicationSubmission.case": SPECIAL,
    "applications.ApplicationSubmission.digest": PERSONAL,
    # Names, masked EMŠO, address and document names (a document's name can tell an
    # illness or violence): as sensitive as the documents.
    "applications.ApplicationSubmission.receipt": SPECIAL,
    "applications.ApplicationSubmission.emailed_at": PERSONAL,
    # How many applications a lessor has had in a year: nothing about a person.
    "applications.ApplicationCodeCounter.id": PUBLIC,
    "applications.ApplicationCodeCounter.lessor": PUBLIC,
    "applications.ApplicationCodeCounter.year": PUBLIC,
    "applications.ApplicationCodeCounter.last_number": PUBLIC,
    "applications.AmendmentRequest.id": PERSONAL,
    "applications.AmendmentRequest.application": PERSONAL,
    "applications.AmendmentRequest.requested_by": PERSONAL,
    "applications.AmendmentRequest.requested_at": PERSONAL,
    "applications.AmendmentRequest.deadline": PERSONAL,
    "applications.AmendmentRequest.text": PERSONAL,
    "applications.AmendmentRequest.status": PERSONAL,
    "applications.AmendmentRequest.answered_at": PERSONAL,
    "applications.AmendmentRequest.answered_by": PERSONAL,
    "applications.AmendmentRequest.answer_text": PERSONAL,
    # A document's kind and name tell what it proves (a medical certificate...).
    "applications.Document.id": PERSONAL,
    "applications.Document.application": PERSONAL,
    "applications.Document.member": PERSONAL,
    "applications.Document.amendment_request": PERSONAL,
    "applications.Document.kind": SPECIAL,
    "applications.Document.requirement": SPECIAL,
    "applications.Document.original_name": SPECIAL,
    "applications.Document.file": SPECIAL,
    "applications.Document.content_type": PERSONAL,
    "applications.Document.size": PERSONAL,
    "applications.Document.sha256": PERSONAL,
    "applications.Document.uploaded_by": PERSONAL,
    "applications.Document.uploaded_at": PERSONAL,
    # Names of changed fields only, never their values.
    "applications.ApplicationEvent.id": PERSONAL,
    "applications.ApplicationEvent.application": PERSONAL,
    "applications.ApplicationEvent.kind": PERSONAL,
    "applications.ApplicationEvent.by": PERSONAL,
    "applications.ApplicationEvent.at": PERSONAL,
    "applications.ApplicationEvent.version": PERSONAL,
    "applications.ApplicationEvent.section": PERSONAL,
    "applications.ApplicationEvent.changed_fields": PERSONAL,
    "applications.ApplicationEvent.note": PERSONAL,
    # The receipt PDF copies every answer, special-category facts included.
    "applications.SubmissionReceipt.id": PERSONAL,
    "applications.SubmissionReceipt.submission": PERSONAL,
    "applications.SubmissionReceipt.language": PERSONAL,
    "applications.SubmissionReceipt.file": SPECIAL,
    "applications.SubmissionReceipt.sha256": PERSONAL,
    "applications.SubmissionReceipt.size": PERSONAL,
    "applications.SubmissionReceipt.created_at": PERSONAL,
    # --- scoring ----------------------------------------------------------------------
    # --- lists (issue 14) -----------------------------------------------------------
    # A published list is public by law (Art. 23): codes, ranks, points, cut-offs and
    # hashes. The engine input holds every household's verified facts, health and
    # disability among them: SPECIAL (never shown; `export_rank_input` only). Who built,
    # approved and published, and the link from an entry to its application: PERSONAL.
    "lists.ListVersion.id": PUBLIC,
    "lists.ListVersion.tender": PUBLIC,
    "lists.ListVersion.number": PUBLIC,
    "lists.ListVersion.state": PUBLIC,
    "lists.ListVersion.based_on": PUBLIC,
    "lists.ListVersion.built_by": PERSONAL,
    "lists.ListVersion.built_at": PUBLIC,
    "lists.ListVersion.approved_by": PERSONAL,
    "lists.ListVersion.approved_at": PUBLIC,
    "lists.ListVersion.published_by": PERSONAL,
    "lists.ListVersion.published_at": PUBLIC,
    "lists.ListVersion.superseded_by": PUBLIC,
    "lists.ListVersion.final": PUBLIC,
    "lists.ListVersion.engine_input": SPECIAL,
    "lists.ListVersion.engine_output": PUBLIC,
    "lists.ListVersion.input_sha256": PUBLIC,
    "lists.ListVersion.data_sha256": PUBLIC,
    "lists.ListVersion.pdf": PUBLIC,
    "lists.ListVersion.pdf_sha256": PUBLIC,
    "lists.ListVersion.pdf_en": PUBLIC,
    "lists.ListVersion.pdf_en_sha256": PUBLIC,
    "lists.ListVersion.internal_pdf": PERSONAL,
    "lists.ListVersion.internal_pdf_sha256": PERSONAL,
    "lists.ListVersion.internal_pdf_en": PERSONAL,
    "lists.ListVersion.internal_pdf_en_sha256": PERSONAL,
    "lists.ListEntry.id": PUBLIC,
    "lists.ListEntry.version": PUBLIC,
    "lists.ListEntry.application": PERSONAL,
    "lists.ListEntry.code": PUBLIC,
    "lists.ListEntry.list": PUBLIC,
    "lists.ListEntry.sub_list": PUBLIC,
    "lists.ListEntry.rank": PUBLIC,
    "lists.ListEntry.list_rank": PUBLIC,
    "lists.ListEntry.total": PUBLIC,
    "lists.ListEntry.within": PUBLIC,
    "lists.ListEntry.position": PUBLIC,
    "lists.CutoffOverride.id": PUBLIC,
    "lists.CutoffOverride.version": PUBLIC,
    "lists.CutoffOverride.sub_list": PUBLIC,
    "lists.CutoffOverride.cutoff": PUBLIC,
    "lists.CutoffOverride.previous": PUBLIC,
    "lists.CutoffOverride.reason": PERSONAL,
    "lists.CutoffOverride.by": PERSONAL,
    "lists.CutoffOverride.at": PUBLIC,
    "lists.ListVersion.final_by": PERSONAL,
    "lists.ListVersion.final_at": PUBLIC,
    # Decisions and appeals (issue 14, 3 and 5): one applicant's result, the reasons
    # for non-classification (the commission's rejection reason, the engine's
    # conditions: no health or violence fact by name) and the appeal's grounds, which
    # the applicant writes freely and may name a health fact (and the outcome answering
    # them): SPECIAL. The decision PDF holds what the decision row holds: PERSONAL.
    "lists.Decision.id": PERSONAL,
    "lists.Decision.version": PERSONAL,
    "lists.Decision.application": PERSONAL,
    "lists.Decision.kind": PERSONAL,
    "lists.Decision.points": PERSONAL,
    "lists.Decision.rank": PERSONAL,
    "lists.Decision.list_rank": PERSONAL,
    "lists.Decision.sub_list": PERSONAL,
    "lists.Decision.cutoff": PUBLIC,
    "lists.Decision.within": PERSONAL,
    "lists.Decision.reasons": PERSONAL,
    "lists.Decision.appeal_body": PUBLIC,
    "lists.Decision.language": PERSONAL,
    "lists.Decision.issued_by": PERSONAL,
    "lists.Decision.issued_at": PERSONAL,
    "lists.Decision.delivered_at": PERSONAL,
    "lists.Decision.delivery_recorded_by": PERSONAL,
    "lists.Decision.emailed_at": PERSONAL,
    "lists.Decision.pdf": PERSONAL,
    "lists.Decision.sha256": PERSONAL,
    "lists.Appeal.id": PERSONAL,
    "lists.Appeal.decision": PERSONAL,
    "lists.Appeal.received_on": PERSONAL,
    "lists.Appeal.grounds": SPECIAL,
    "lists.Appeal.recorded_by": PERSONAL,
    "lists.Appeal.recorded_at": PERSONAL,
    "lists.Appeal.outcome": PERSONAL,
    "lists.Appeal.outcome_reason": SPECIAL,
    "lists.Appeal.decided_by": PERSONAL,
    "lists.Appeal.decided_at": PERSONAL,
    # --- review (issue 13) -------------------------------------------------------------
    # Who sits on a commission, their conflicts and every step of a review are about
    # people: PERSONAL. The claimed and verified values of facts, the verified engine
    # input and output, inspection findings and photos, the scoring record and the
    # amendment letter hold health, disability and violence facts: SPECIAL. The review
    # log never holds a special-category value or reason (review.services._log).
    "review.CommissionSeat.id": PERSONAL,
    "review.CommissionSeat.tender": PERSONAL,
    "review.CommissionSeat.user": PERSONAL,
    "review.CommissionSeat.role": PERSONAL,
    "review.CommissionSeat.appointed_by": PERSONAL,
    "review.CommissionSeat.appointed_at": PERSONAL,
    "review.ConflictDeclaration.id": PERSONAL,
    "review.ConflictDeclaration.tender": PERSONAL,
    "review.ConflictDeclaration.application": PERSONAL,
    "review.ConflictDeclaration.user": PERSONAL,
    "review.ConflictDeclaration.reason": PERSONAL,
    "review.ConflictDeclaration.declared_at": PERSONAL,
    "review.ApplicationReview.id": PERSONAL,
    "review.ApplicationReview.application": PERSONAL,
    "review.ApplicationReview.submission": PERSONAL,
    "review.ApplicationReview.member_pks": PERSONAL,
    "review.ApplicationReview.state": PERSONAL,
    "review.ApplicationReview.row_version": PERSONAL,
    "review.ApplicationReview.opened_at": PERSONAL,
    "review.ApplicationReview.completed_at": PERSONAL,
    "review.ApplicationReview.rejection_state": PERSONAL,
    "review.ApplicationReview.rejection_reason": PERSONAL,
    "review.ApplicationReview.rejection_article": PERSONAL,
    "review.ApplicationReview.rejection_drafted_at": PERSONAL,
    "review.ApplicationReview.rejection_issued_at": PERSONAL,
    "review.ApplicationReview.rejection_issued_by": PERSONAL,
    "review.ApplicationReview.verified_case": SPECIAL,
    "review.ApplicationReview.verified_result": SPECIAL,
    "review.ApplicationReview.verified_total": PERSONAL,
    "review.ApplicationReview.verified_eligible": PERSONAL,
    "review.ApplicationReview.verified_digest": PERSONAL,
    "review.ApplicationReview.verified_at": PERSONAL,
    "review.ApplicationReview.verified_by": PERSONAL,
    "review.FactCheck.id": PERSONAL,
    "review.FactCheck.review": PERSONAL,
    "review.FactCheck.path": PERSONAL,
    "review.FactCheck.position": PERSONAL,
    "review.FactCheck.claimed": SPECIAL,
    "review.FactCheck.state": PERSONAL,
    "review.FactCheck.verified": SPECIAL,
    "review.FactCheck.reason": SPECIAL,
    "review.FactCheck.document": PERSONAL,
    "review.FactCheck.decided_by": PERSONAL,
    "review.FactCheck.decided_at": PERSONAL,
    "review.Inspection.id": PERSONAL,
    "review.Inspection.review": PERSONAL,
    "review.Inspection.date": PERSONAL,
    "review.Inspection.findings": SPECIAL,
    "review.Inspection.recorded_by": PERSONAL,
    "review.Inspection.recorded_at": PERSONAL,
    "review.Inspection.members_present": PERSONAL,
    "review.Inspection.photos": SPECIAL,
    "review.InspectionPhoto.id": PERSONAL,
    "review.InspectionPhoto.inspection": PERSONAL,
    "review.InspectionPhoto.original_name": PERSONAL,
    "review.InspectionPhoto.file": SPECIAL,
    "review.InspectionPhoto.content_type": PERSONAL,
    "review.InspectionPhoto.size": PERSONAL,
    "review.InspectionPhoto.sha256": PERSONAL,
    "review.InspectionPhoto.uploaded_by": PERSONAL,
    "review.InspectionPhoto.uploaded_at": PERSONAL,
    "review.ScoringRecord.id": PERSONAL,
    "review.ScoringRecord.review": PERSONAL,
    "review.ScoringRecord.language": PERSONAL,
    "review.ScoringRecord.signers": PERSONAL,
    "review.ScoringRecord.signed_on": PERSONAL,
    "review.ScoringRecord.file": SPECIAL,
    "review.ScoringRecord.sha256": PERSONAL,
    "review.ScoringRecord.size": PERSONAL,
    "review.ScoringRecord.issued_by": PERSONAL,
    "review.ScoringRecord.issued_at": PERSONAL,
    "review.AmendmentLetter.id": PERSONAL,
    "review.AmendmentLetter.amendment": PERSONAL,
    "review.AmendmentLetter.file": SPECIAL,
    "review.AmendmentLetter.sha256": PERSONAL,
    "review.AmendmentLetter.size": PERSONAL,
    "review.AmendmentLetter.created_at": PERSONAL,
    "review.ReviewLog.id": PERSONAL,
    "review.ReviewLog.tender": PERSONAL,
    "review.ReviewLog.review": PERSONAL,
    "review.ReviewLog.version": PERSONAL,
    "review.ReviewLog.by": PERSONAL,
    "review.ReviewLog.at": PERSONAL,
    "review.ReviewLog.kind": PERSONAL,
    "review.ReviewLog.path": PERSONAL,
    "review.ReviewLog.old": PERSONAL,
    "review.ReviewLog.new": PERSONAL,
    "review.ReviewLog.special": PERSONAL,
    "review.ReviewLog.reason": PERSONAL,
    "review.SpecialDataView.id": PERSONAL,
    "review.SpecialDataView.user": PERSONAL,
    "review.SpecialDataView.application": PERSONAL,
    "review.SpecialDataView.at": PERSONAL,
    "review.SpecialDataView.what": PERSONAL,
    # --- Background tasks (django-tasks-db) and jobs -----------------------------------
    # A queued task's arguments, result and traceback may name applications or people.
    "django_tasks_database.DBTaskResult.id": PUBLIC,
    "django_tasks_database.DBTaskResult.status": PUBLIC,
    "django_tasks_database.DBTaskResult.enqueued_at": PUBLIC,
    "django_tasks_database.DBTaskResult.started_at": PUBLIC,
    "django_tasks_database.DBTaskResult.finished_at": PUBLIC,
    "django_tasks_database.DBTaskResult.args_kwargs": PERSONAL,
    "django_tasks_database.DBTaskResult.priority": PUBLIC,
    "django_tasks_database.DBTaskResult.task_path": PUBLIC,
    "django_tasks_database.DBTaskResult.worker_ids": PUBLIC,
    "django_tasks_database.DBTaskResult.queue_name": PUBLIC,
    "django_tasks_database.DBTaskResult.backend_name": PUBLIC,
    "django_tasks_database.DBTaskResult.run_after": PUBLIC,
    "django_tasks_database.DBTaskResult.return_value": PERSONAL,
    "django_tasks_database.DBTaskResult.exception_class_path": PUBLIC,
    "django_tasks_database.DBTaskResult.traceback": PERSONAL,
    # A job: who started or retried it and when (personal), what it works on (may
    # be an application), its message and error (free text that may name people).
    "jobs.Job.id": PUBLIC,
    "jobs.Job.kind": PUBLIC,
    "jobs.Job.target_type": PUBLIC,
    "jobs.Job.target_id": PERSONAL,
    "jobs.Job.reference": PERSONAL,
    "jobs.Job.lessor": PUBLIC,
    "jobs.Job.status": PUBLIC,
    "jobs.Job.progress_done": PUBLIC,
    "jobs.Job.progress_total": PUBLIC,
    "jobs.Job.message": PERSONAL,
    "jobs.Job.error": PERSONAL,
    "jobs.Job.task_path": PUBLIC,
    "jobs.Job.arguments": PERSONAL,
    "jobs.Job.task_result_id": PUBLIC,
    "jobs.Job.attempts": PUBLIC,
    "jobs.Job.created_by": PERSONAL,
    "jobs.Job.retried_by": PERSONAL,
    "jobs.Job.created_at": PERSONAL,
    "jobs.Job.started_at": PERSONAL,
    "jobs.Job.finished_at": PERSONAL,
}


def field_key(model: type[models.Model], field_name: str) -> str:
    """The key of a field in :data:`CLASSIFICATION`: ``app_label.ModelName.field``."""
    return f"{model._meta.label}.{field_name}"


def model_field_names(model: type[models.Model]) -> list[str]:
    """The fields that hold data: concrete ones and forward many-to-many ones."""
    opts = model._meta
    return [f.name for f in (*opts.concrete_fields, *opts.many_to_many)]


def audited_model(model: type[models.Model]) -> type[models.Model] | None:
    """The model a django-simple-history historical model records, else ``None``."""
    return getattr(model, "instance_type", None)


def classify(model: type[models.Model], field_name: str) -> DataClass | None:
    """The class of ``model.field_name``; ``None`` when it is not classified."""
    base = audited_model(model)
    if base is not None:
        if field_name.startswith("history_") or field_name in M2M_HISTORY_FIELDS:
            return HISTORY_FIELDS_CLASS
        return classify(base, field_name)
    return CLASSIFICATION.get(field_key(model, field_name))


def classified_models(
    app_labels: Iterable[str] = CLASSIFIED_APPS,
) -> list[type[models.Model]]:
    """The installed models of ``app_labels``, historical ones included."""
    labels = set(app_labels)
    return [m for m in apps.get_models() if m._meta.app_label in labels]


def unclassified_fields(
    app_labels: Iterable[str] = CLASSIFIED_APPS,
) -> list[str]:
    """Keys to add to :data:`CLASSIFICATION`, in model and field order.

    A historical model's unclassified field is reported as its audited model's field.
    """
    missing: list[str] = []
    for model in classified_models(app_labels):
        base = audited_model(model) or model
        for name in model_field_names(model):
            if classify(model, name) is None:
                key = field_key(base, name)
                if key not in missing:
                    missing.append(key)
    return missing


def stale_entries(app_labels: Iterable[str] = CLASSIFIED_APPS) -> list[str]:
    """Keys of :data:`CLASSIFICATION` that name no existing model field."""
    labels = set(app_labels)
    stale = []
    for key in CLASSIFICATION:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in labels:
            stale.append(key)
            continue
        app_label, model_name, field_name = parts
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            stale.append(key)
            continue
        # get_model() ignores case; the keys must not, or classify() misses them.
        if model._meta.object_name != model_name or field_name not in (
            model_field_names(model)
        ):
            stale.append(key)
    return stale


def fields_of_class(data_class: DataClass) -> list[str]:
    """Every key of :data:`CLASSIFICATION` with ``data_class`` (e.g. all SPECIAL)."""
    return [key for key, value in CLASSIFICATION.items() if value == data_class]
