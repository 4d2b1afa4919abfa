import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accesslog.actions import Action
from accesslog.models import AccessEvent, AppendOnlyError
from accesslog.services import record_access


def _event(user=None):
    return record_access(action=Action.ACCESS_LOG_VIEW, user=user, object_type="read", object_id=7,
                         data_elements={"plate": "7ABC123"}, purpose="burglary", case_number="26-001234")


def test_it_records_who_what_when_why(officer):
    event = _event(officer)
    assert event.username == "officer" and event.agency_name == "Oakland Police Department"
    assert event.data_elements == {"plate": "7ABC123"} and event.case_number == "26-001234"
    assert event.occurred_at is not None and event.object_id == "7"
    # Sub-second precision is kept.
    assert AccessEvent.objects.get(pk=event.pk).occurred_at == event.occurred_at


def test_the_orm_refuses_changes(officer):
    event = _event(officer)
    event.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="changed")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=event.pk).purpose == "burglary"


def test_users_with_log_entries_cannot_be_deleted(officer):
    from django.db.models import ProtectedError

    _event(officer)
    with pytest.raises(ProtectedError):
        officer.delete()


# Transactional: the entry is committed before the tampering, as it would be in real life
# (and the test's own teardown proves the flush escape for TRUNCATE works).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audits_accessevent SET purpose = 'tampered'",
        "DELETE FROM audits_accessevent",
        "TRUNCATE audits_accessevent",
        "TRUNCATE audits_accessevent CASCADE",
    ],
)
def test_postgres_refuses_raw_tampering(officer, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (run with DATABASE_URL)")
    event = _event(officer)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AccessEvent.objects.get(pk=event.pk).purpose == "burglary"


def test_every_access_log_call_names_its_action_from_the_one_enum():
    # Issue 17: action names were 46 string literals beside the constants; a literal typed
    # anew (or misspelt) is an action no auditor's filter finds. The code passes Action.*.
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    literal = re.compile(r"""record_access\((?:[^()]|\([^()]*\))*?\baction=(f?["'])""", re.S)
    offenders = [str(path.relative_to(root)) for app in ("accounts", "accesslog", "alpr", "audits", "hotlists",
                                                          "sharing", "training", "ingest", "config")
                 for path in (root / app).rglob("*.py")
                 if "migrations" not in path.parts and literal.search(path.read_text())]
    assert offenders == []
