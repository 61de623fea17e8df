"""Writes (validated, audited), the figures for the annual report, encryption at rest."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongkai.core.models import AuditEvent
from gongkai.credit import services
from gongkai.credit.models import Decision, Status, id_hash
from tests.credit.conftest import COMPANY, PERSON, PERSON_ID, TODAY, person_id

pytestmark = pytest.mark.django_db


def events(decision: Decision) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="credit.decision", object_id=str(decision.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_create_is_a_draft_with_an_audit_event(make, office):
    decision = make("licensing")
    assert decision.status == Status.DRAFT and decision.licence_state == "valid"
    assert events(decision) == ["credit.create"]
    event = AuditEvent.objects.get(verb="credit.create")
    assert event.actor == office["publisher"] and event.agency == office["agency"]


def test_validation_errors_are_keyed_by_field_and_nothing_is_saved(office):
    with pytest.raises(ValidationError) as info:
        services.decision_save(
            agency=office["agency"],
            kind="penalty",
            data={**COMPANY, "uscc": "91350100M000100Y44", "number": ""},
            by=office["publisher"],
            today=TODAY,
        )
    errors = info.value.message_dict
    assert "校验码不正确" in errors["uscc"][0]
    assert "请填写行政处罚决定书文号。" in errors["number"]
    assert not Decision.objects.exists() and not AuditEvent.objects.exists()


def test_same_number_and_party_twice_is_refused_but_another_party_is_fine(make):
    make("penalty")
    with pytest.raises(ValidationError, match="本机关已有文书号"):
        make("penalty")
    make("penalty", party={**COMPANY, "party_name": "长沙某建材有限公司"})
    assert Decision.objects.count() == 2


def test_update_keeps_identifiers_left_blank_and_detects_stale_forms(make, office):
    decision = make("penalty", party=PERSON)
    data = {**decision.values(), "id_number": "", "content": "改正后的处罚内容"}
    saved = services.decision_save(
        agency=office["agency"],
        kind="penalty",
        data=data,
        by=office["publisher"],
        decision=decision,
        version=decision.version,
        today=TODAY,
    )
    decision.refresh_from_db()
    assert decision.id_number == PERSON_ID and decision.content == "改正后的处罚内容"
    assert decision.version == 2 and saved.warnings == []
    assert events(decision)[-1] == "credit.update"
    with pytest.raises(services.StaleDecision):
        services.decision_save(
            agency=office["agency"],
            kind="penalty",
            data=data,
            by=office["publisher"],
            decision=decision,
            version=1,
            today=TODAY,
        )


def test_publish_withdraw_and_their_rules(make, office):
    decision = make("penalty")
    services.decision_publish(decision, by=office["publisher"], today=TODAY)
    decision.refresh_from_db()
    assert decision.status == Status.PUBLISHED and decision.published_at is not None
    publish_event = AuditEvent.objects.get(verb="credit.publish")
    assert publish_event.data["overdue"] is True  # decided 2025-05-27, published now
    with pytest.raises(ValidationError, match="只有待公示的记录可以公示"):
        services.decision_publish(decision, by=office["publisher"])
    with pytest.raises(ValidationError):
        services.decision_withdraw(decision, by=office["publisher"], reason="  ")
    services.decision_withdraw(
        decision, by=office["publisher"], reason="已被复议决定撤销", basis="湘政复决字〔2025〕1号"
    )
    decision.refresh_from_db()
    assert decision.status == Status.WITHDRAWN and decision.withdrawal_reason == "已被复议决定撤销"
    assert events(decision) == ["credit.create", "credit.publish", "credit.withdraw"]
    assert AuditEvent.objects.get(verb="credit.withdraw").reason == "已被复议决定撤销"
    with pytest.raises(ValidationError, match="已撤销公示的记录不能修改"):
        services.decision_save(
            agency=office["agency"],
            kind="penalty",
            data=decision.values(),
            by=office["publisher"],
            decision=decision,
        )
    with pytest.raises(ValidationError, match="只有已公示的记录可以撤销公示"):
        services.decision_withdraw(decision, by=office["publisher"], reason="again")


def test_refusals_and_minors_are_never_published(make, office):
    refusal = make("licensing", licensing_action="refuse", valid_from=None, valid_to=None)
    with pytest.raises(ValidationError, match="不予许可"):
        services.decision_publish(refusal, by=office["publisher"])
    child = {**PERSON, "party_name": "李小明", "id_number": person_id("43012120100101001")}
    minor = make("penalty", party=child)
    with pytest.raises(ValidationError, match="未成年人"):
        services.decision_publish(minor, by=office["publisher"])
    flagged = make("penalty", number="湘自然资罚〔2025〕10号", involves_minor=True)
    assert flagged.blocks_publication


def test_only_drafts_are_deleted(make, office):
    draft = make("coercion")
    pk = draft.pk
    services.decision_delete(draft, by=office["publisher"])
    assert not Decision.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(verb="credit.delete", object_id=str(pk)).exists()
    published = make("coercion", publish=True)
    with pytest.raises(ValidationError):
        services.decision_delete(published, by=office["publisher"])


def test_identifiers_are_encrypted_at_rest_and_found_by_hash(make, office):
    decision = make("penalty", party={**PERSON, "contact_phone": "13907311234"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, contact_phone FROM credit_decision WHERE id = %s", [decision.pk])
        raw = cursor.fetchone()
    assert all(value.startswith("enc1:") for value in raw)
    assert PERSON_ID not in "".join(raw)
    assert Decision.objects.get(id_number_hash=id_hash("resident_id", PERSON_ID)) == decision
    shown = services.decision_reveal(decision, by=office["publisher"])
    assert shown == {"id_number": PERSON_ID, "contact_phone": "13907311234"}
    event = AuditEvent.objects.get(verb="credit.reveal")
    assert event.data == {"fields": ["contact_phone", "id_number"]}  # which fields, never their values


def test_decision_counts_by_year(make, office, tree):
    make("licensing", decision_date=date(2024, 12, 31), valid_from=date(2024, 12, 31))
    make("licensing", number="湘自然资采延〔2025〕1号", decision_date=date(2025, 1, 1))
    # One decision naming two parties counts once.
    make("penalty", publish=True)
    make("penalty", party={**COMPANY, "party_name": "长沙某建材有限公司"})
    # A withdrawn publication still counts: the decision was made in the year.
    withdrawn = make("penalty", number="湘自然资罚〔2025〕2号", publish=True)
    services.decision_withdraw(withdrawn, by=office["publisher"], reason="已撤销")
    make("coercion")
    make(
        "licensing",
        number="湘自然资采延〔2025〕9号",
        licensing_action="refuse",
        valid_from=None,
        valid_to=None,
    )
    # Another agency's decision is not counted.
    make("penalty", agency=tree["city_a"], number="长自然资规罚〔2025〕1号")
    assert services.decision_counts(office["agency"], 2025) == {"licensing": 2, "penalty": 2, "coercion": 1}
    assert services.decision_counts(office["agency"], 2024) == {"licensing": 1, "penalty": 0, "coercion": 0}
    assert services.decision_counts(office["agency"], 2023) == {"licensing": 0, "penalty": 0, "coercion": 0}
    by_action = services.licensing_counts_by_action(office["agency"], 2025)
    assert by_action["renew"] == 1 and by_action["refuse"] == 1 and sum(by_action.values()) == 2


def test_decision_counts_is_one_query(make, office, django_assert_num_queries):
    make("penalty")
    make("coercion")
    with django_assert_num_queries(1):
        services.decision_counts(office["agency"], 2025)


def test_several_agencies_are_added_up_in_one_query(make, office, tree, django_assert_num_queries):
    """A roll-up: one aggregate for the list; a 文书号 is one decision within its agency, so the same
    number in two agencies is two decisions."""
    make("penalty", number="罚〔2025〕1号")
    make("penalty", number="罚〔2025〕1号", party={**COMPANY, "party_name": "长沙某建材有限公司"})
    make("penalty", agency=tree["city_a"], number="罚〔2025〕1号")
    make("licensing", agency=tree["city_a"], number="长许〔2025〕1号")
    with django_assert_num_queries(1):
        both = services.decision_counts([office["agency"], tree["city_a"]], 2025)
    assert both == {"licensing": 1, "penalty": 2, "coercion": 0}
    assert services.decision_counts([], 2025) == {"licensing": 0, "penalty": 0, "coercion": 0}


def test_publication_due_and_overdue(make, office):
    decision = make("penalty", decision_date=date(2026, 11, 20))  # a Friday
    due = services.publication_due(decision)
    assert due == date(2026, 12, 1)  # 7 working days, the decision day not counted
    assert not services.is_overdue(decision, date(2026, 12, 1))
    assert services.is_overdue(decision, date(2026, 12, 2))
