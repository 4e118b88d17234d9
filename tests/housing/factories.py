import factory
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from housing.constants import LessorType, StaffRole
from housing.models import Lessor, Membership, Municipality, User

PASSWORD = "Correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="sl_SI")
    password = factory.django.Password(PASSWORD)

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Občina {n}")


class LessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lessor
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Stanovanjski sklad {n}")
    slug = factory.Sequence(lambda n: f"lessor-{n}")
    type = LessorType.PUBLIC_HOUSING_FUND


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    lessor = factory.SubFactory(LessorFactory)
    role = StaffRole.COMMISSION_MEMBER


class StaticDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed backup-code device; ``tokens`` lists its codes (``["123456"]``)."""

    class Meta:
        model = StaticDevice
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    name = "backup"
    confirmed = True

    @factory.post_generation
    def tokens(self, create, extracted, **kwargs):
        if create:
            for token in ["123456"] if extracted is None else extracted:
                self.token_set.create(token=token)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator-app device with a random key."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "authenticator"
    confirmed = True
