import pytest

from housing import permissions
from housing.constants import StaffRole
from tests.housing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = {
    "can_configure_tenders": {StaffRole.LESSOR_ADMIN},
    "can_review_applications": {
        StaffRole.COMMISSION_CHAIR,
        StaffRole.COMMISSION_MEMBER,
        StaffRole.CLERK,
    },
    "can_decide": {StaffRole.COMMISSION_CHAIR, StaffRole.COMMISSION_MEMBER},
    "is_staff_of": set(StaffRole),
}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("role", list(StaffRole))
def test_role_grants_rule_only_at_own_lessor(rule, role, lessor_x, lessor_y):
    user = MembershipFactory(lessor=lessor_x, role=role).user
    check = getattr(permissions, rule)
    assert check(user, lessor_x) is (role in RULES[rule])
    assert check(user, lessor_y) is False


@pytest.mark.parametrize("rule", sorted(RULES))
def test_applicant_and_anonymous_have_no_staff_rights(rule, lessor_x):
    from django.contrib.auth.models import AnonymousUser

    check = getattr(permissions, rule)
    assert check(UserFactory(), lessor_x) is False
    assert check(AnonymousUser(), lessor_x) is False


@pytest.mark.parametrize("rule", sorted(RULES))
def test_superuser_may_do_everything(rule, lessor_x):
    assert getattr(permissions, rule)(UserFactory(superuser=True), lessor_x) is True


def test_inactive_staff_has_no_rights(lessor_x):
    user = MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user
    user.is_active = False
    assert permissions.can_configure_tenders(user, lessor_x) is False


def test_staff_lessor_ids(lessor_x, lessor_y):
    user = MembershipFactory(lessor=lessor_x).user
    assert permissions.staff_lessor_ids(user) == {lessor_x.pk}
    assert permissions.staff_lessor_ids(UserFactory(superuser=True)) is None
    assert permissions.staff_lessor_ids(UserFactory()) == set()
    assert permissions.is_any_lessor_staff(user)
    assert not permissions.is_any_lessor_staff(UserFactory())


def test_roles_read_matches_the_orm(lessor_x, lessor_y):
    """The hand-written roles query reads exactly what the ORM would."""
    user = MembershipFactory(lessor=lessor_x, role=StaffRole.CLERK).user
    MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.COMMISSION_CHAIR)
    MembershipFactory(user=user, lessor=lessor_y, role=StaffRole.LESSOR_ADMIN)
    MembershipFactory(lessor=lessor_y, role=StaffRole.CLERK)  # someone else's
    expected: dict[int, set[str]] = {}
    for lessor_id, role in user.memberships.values_list("lessor_id", "role"):
        expected.setdefault(lessor_id, set()).add(role)
    fresh = type(user).objects.get(pk=user.pk)
    assert {k: set(v) for k, v in permissions._roles_cache(fresh).items()} == expected
    assert permissions.roles_at(fresh, lessor_y) == {StaffRole.LESSOR_ADMIN}


@pytest.mark.django_db
def test_has_second_factor_counts_only_confirmed_devices_in_one_query(
    django_assert_num_queries,
):
    from django.contrib.auth.models import AnonymousUser

    from django_otp import user_has_device
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    none, unconfirmed, app, codes = UserFactory.create_batch(4)
    TOTPDevice.objects.create(user=unconfirmed, name="app", confirmed=False)
    TOTPDevice.objects.create(user=app, name="app", confirmed=True)
    StaticDevice.objects.create(user=codes, name="backup", confirmed=True)
    for user, expected in (
        (none, False),
        (unconfirmed, False),
        (app, True),
        (codes, True),
    ):
        with django_assert_num_queries(1):
            assert permissions.has_second_factor(user) is expected
        # What django-otp answers, one query per kind of device.
        assert user_has_device(user, confirmed=True) is expected
    assert permissions.has_second_factor(AnonymousUser()) is False
