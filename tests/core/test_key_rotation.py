"""Key rotation: new key first, `gongkai rotate_field_keys`, then the old key can be dropped."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gongkai.core import crypto
from gongkai.core.models import AuditEvent
from gongkai.orgs.models import Applicant
from tests.factories import ApplicantFactory, resident_id

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ID = resident_id("43012119700312001")


def use_keys(settings, *keys: str) -> None:
    settings.GONGKAI_FIELD_KEYS = list(keys)
    crypto._fernet.cache_clear()


def raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM orgs_applicant WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_moves_every_value_to_the_new_key(settings):
    use_keys(settings, OLD)
    applicant = ApplicantFactory(id_number=ID)
    before = raw(applicant.pk)
    use_keys(settings, NEW, OLD)
    out = StringIO()
    call_command("rotate_field_keys", "--check", stdout=out)
    assert raw(applicant.pk) == before  # --check writes nothing
    call_command("rotate_field_keys", stdout=out)
    assert raw(applicant.pk) != before and "已用最新密钥重新加密" in out.getvalue()
    use_keys(settings, NEW)  # the old key is gone
    assert Applicant.objects.get(pk=applicant.pk).id_number == ID
    assert AuditEvent.objects.filter(verb="system.rotate_field_keys").exists()
    use_keys(settings, OLD)
    with pytest.raises(CommandError, match="无法用现有密钥解密"):
        call_command("rotate_field_keys", "--check", stdout=StringIO())
    crypto._fernet.cache_clear()


def test_uploaded_files_are_never_served_directly(client, settings):
    """Private attachments share MEDIA_ROOT with published originals: no URL serves that folder."""
    assert client.get("/media/private/anything.pdf").status_code == 404
