from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from housing.constants import LessorType
from housing.models import User
from tests.housing.factories import LessorFactory

pytestmark = pytest.mark.django_db


def test_user_logs_in_with_email_case_insensitively():
    user = User.objects.create_user(email="Maja.Novak@Example.TEST", password="x" * 12)
    assert user.email == "maja.novak@example.test"
    assert User.objects.get_by_natural_key("MAJA.NOVAK@example.test") == user


def test_one_account_per_address_whatever_its_case():
    """The database refuses a second account whose address differs only in case
    (registration lowercases, but staff, the admin and commands make accounts too:
    two such rows would make every login by that address fail)."""
    User.objects.create_user(email="maja@example.test", password="x" * 12)
    user = User(email="MAJA@example.test")  # create_user lowercases the domain only
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()
    assert User.objects.filter(email__iexact="maja@example.test").count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plan (CI runs on it)"
)
def test_login_look_up_uses_the_any_case_index():
    """``get_by_natural_key`` (every login) can be answered by the index on
    ``UPPER(email)``, not only by reading the whole user table (with sequential
    scans discouraged, as the planner does once the table is large)."""
    User.objects.bulk_create(
        User(email=f"person{i}@example.test", password="!") for i in range(20)
    )
    with CaptureQueriesContext(connection) as queries:
        User.objects.get_by_natural_key("PERSON7@example.test")
    (sql,) = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # this test's transaction
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unique_user_email_any_case" in plan, plan
    assert "Seq Scan" not in plan, plan


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
