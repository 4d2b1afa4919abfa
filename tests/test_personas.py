"""The persona fixtures (tests/conftest.py) are the people their names say: the role, the
agency, the training and the designation each test relies on when it names them."""

import ast
from pathlib import Path

import pytest

from accounts import roles
from accounts.models import Designation
from accounts.selectors import approval_authority
from training.selectors import training_status


@pytest.mark.django_db
def test_it_gives_each_persona_its_role_agency_and_training(
    officer, analyst, investigator, administrator, coordinator, auditor, untrained, outsider, home_agency,
):
    for user, role in [(officer, roles.OFFICER), (analyst, roles.CRIME_ANALYST), (investigator, roles.INVESTIGATOR),
                       (administrator, roles.ADMINISTRATOR), (coordinator, roles.COORDINATOR),
                       (auditor, roles.AUDITOR)]:
        assert user.has_role(role) and user.agency == home_agency and training_status(user=user).is_current
    assert untrained.agency == home_agency and not training_status(user=untrained).is_current
    assert outsider.agency != home_agency and training_status(user=outsider).is_current
    assert administrator.is_staff and not officer.is_staff


@pytest.mark.django_db
def test_it_makes_the_designee_an_officer_who_approves_for_the_administrator(designee, officer):
    assert designee.has_role(roles.OFFICER) and not designee.has_role(roles.ADMINISTRATOR)
    for scope in (Designation.Scope.HOTLIST_APPROVAL, Designation.Scope.SHARING_APPROVAL):
        authority = approval_authority(user=designee, scope=scope)
        assert authority is not None and authority.designation is not None
        assert approval_authority(user=officer, scope=scope) is None
    assert approval_authority(user=designee, scope=Designation.Scope.RETENTION_EXCEPTION) is None


def test_every_test_name_is_a_sentence_of_at_least_three_words():
    offenders = []
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")):
                continue
            if len([word for word in node.name.removeprefix("test_").split("_") if word]) < 3:
                offenders.append(f"{path.name}:{node.lineno} {node.name}")
    assert offenders == []
