import pytest

from housing.constants import LessorType
from housing.models import User
from tests.housing.factories import LessorFactory

pytestmark = pytest.mark.django_db


def test_user_logs_in_with_email_case_insensitively():
    user = User.objects.create_user(email="Maja.Novak@Example.TEST", password="x" * 12)
    assert user.email == "maja.novak@example.test"
    assert User.objects.get_by_natural_key("MAJA.NOVAK@example.test") == user


def test_create_user_requires_email():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password="x")


def test_superuser_flags():
    user = User.objects.create_superuser(email="root@example.test", password="x" * 12)
    assert user.is_superuser
    assert user.is_staff


@pytest.mark.parametrize(
    ("lessor_type", "body"),
    [
        (LessorType.MUNICIPALITY, "the mayor"),
        (LessorType.PUBLIC_HOUSING_FUND, "the mayor"),
        (LessorType.NONPROFIT_ORGANISATION, "management board"),
        (LessorType.STATE, "Housing Commission of the Government"),
    ],
)
def test_lessor_type_decides_appeal_body_art_24(lessor_type, body):
    from django.utils import translation

    with translation.override("en"):
        assert body in LessorFactory(type=lessor_type).appeal_body
