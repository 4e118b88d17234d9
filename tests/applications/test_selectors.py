from applications.selectors import (
    DuplicateMember,
    application_receipt,
    applications_for,
    duplicate_members,
    lodged_applications,
    paper_applications_for,
)
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.housing.factories import UserFactory


def test_duplicate_members_flags_a_person_in_two_lodged_applications(tender):
    first = ApplicationFactory(tender=tender, submitted=True)
    second = ApplicationFactory(tender=tender, submitted=True)
    draft = ApplicationFactory(tender=tender)
    withdrawn = ApplicationFactory(tender=tender, submitted=True, withdrawn=True)
    elsewhere = ApplicationFactory(submitted=True)
    person = MemberFactory(application=first, role="spouse").emso
    MemberFactory(application=first)
    MemberFactory(application=second, emso=person)
    for application in (draft, withdrawn, elsewhere):
        MemberFactory(application=application, emso=person)
    # Foreign members without an EMŠO are not compared.
    MemberFactory(application=first, role="other", citizenship="HR", emso="")
    MemberFactory(application=second, role="other", citizenship="HR", emso="")

    assert duplicate_members(tender) == [
        DuplicateMember(emso=person, codes=tuple(sorted([first.code, second.code])))
    ]


def test_a_correction_in_progress_still_counts(tender):
    first = ApplicationFactory(tender=tender, submitted=True)
    correcting = ApplicationFactory(tender=tender, submitted=True, status="draft")
    person = MemberFactory(application=first).emso
    MemberFactory(application=correcting, emso=person)
    assert len(duplicate_members(tender)) == 1
    assert set(lodged_applications(tender)) == {first, correcting}


def test_applications_for_is_the_users_own(tender):
    mine = ApplicationFactory(tender=tender)
    ApplicationFactory(tender=tender)
    assert list(applications_for(mine.applicant)) == [mine]
    assert not applications_for(UserFactory()).exists()


def test_paper_applications_for_the_lessors_staff(tender, clerk):
    paper = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
    ApplicationFactory(paper=True)
    assert list(paper_applications_for(clerk)) == [paper]
    assert not paper_applications_for(UserFactory()).exists()


def test_receipt_is_the_last_submission(draft):
    from applications.services import application_submit
    from tests.applications.conftest import BEFORE

    assert application_receipt(draft) is None
    application_submit(application=draft, by=draft.applicant, now=BEFORE)
    assert application_receipt(draft).version == 1
