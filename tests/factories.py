"""factory_boy factories for the reference data every test builds on."""

from __future__ import annotations

import factory
from stdnum.cn import ric

from gongkai.orgs.models import (
    Agency,
    Applicant,
    ApplicantKind,
    Level,
    Membership,
    Role,
    Unit,
    User,
    UserKind,
)

PASSWORD = "test-password-123"


def resident_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"T{n:04d}S")
    name = factory.Sequence(lambda n: f"测试自然资源局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    level = Level.PROVINCE
    division_code = "430000"
    division_name = "湖南省"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"处室{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    kind = UserKind.STAFF
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff(agency: Agency, *roles: str, unit: Unit | None = None, username: str | None = None) -> User:
    user = UserFactory(kind=UserKind.STAFF, **({"username": username} if username else {}))
    for role in roles:
        Membership.objects.create(
            user=user, agency=agency, role=role, unit=unit if role == Role.OFFICER else None
        )
    return user


def applicant_account(username: str | None = None) -> User:
    return UserFactory(kind=UserKind.APPLICANT, **({"username": username} if username else {}))


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    account = factory.LazyFunction(applicant_account)
    kind = ApplicantKind.NATURAL_PERSON
    name = factory.Sequence(lambda n: f"申请人{n}")
    id_type = "resident_id"
    id_number = factory.Sequence(lambda n: resident_id(f"430121196803{n % 28 + 1:02d}003"))
    phone = "13800000000"
    address = "湖南省长沙县黄花镇某村12号"


def totp_device(user: User) -> str:
    """Give a staff member a confirmed authenticator (two-factor); returns the secret to compute codes."""
    import pyotp

    from gongkai.orgs import twofactor

    secret = pyotp.random_base32(32)
    twofactor.install_device(user, secret)
    return secret
