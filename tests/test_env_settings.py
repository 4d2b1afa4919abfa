import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_float, env_int, env_list, env_pairs, env_str


def test_it_reads_typed_values():
    environ = {"A": "42", "B": "yes", "C": "x, y ,,z", "D": "production"}
    assert env_int("A", 1, environ=environ) == 42
    assert env_bool("B", False, environ=environ) is True
    assert env_list("C", [], environ=environ) == ["x", "y", "z"]
    assert env_choice("D", "development", ("development", "production"), environ=environ) == "production"


def test_it_uses_defaults_when_absent():
    assert env_int("MISSING", 30, environ={}) == 30
    assert env_float("MISSING", 0.5, environ={}) == 0.5
    assert env_float("F", 0.5, environ={"F": "0.25"}) == 0.25
    assert env_str("MISSING", "v", environ={}) == "v"


@pytest.mark.parametrize(
    "call",
    [
        lambda: env_int("N", 30, environ={"N": "thirty"}),
        lambda: env_int("N", 30, minimum=1, environ={"N": "0"}),
        lambda: env_bool("B", False, environ={"B": "maybe"}),
        lambda: env_str("SECRET_KEY", environ={}),
        lambda: env_choice("E", "a", ("a", "b"), environ={"E": "c"}),
        # Issue 17: a bad float setting stops the start with its name, not a bare ValueError.
        lambda: env_float("F", 0.5, environ={"F": "half"}),
        lambda: env_float("F", 0.5, environ={"F": "nan"}),
        lambda: env_float("F", 0.5, minimum=0.0, maximum=1.0, environ={"F": "1.5"}),
    ],
)
def test_it_refuses_bad_values_naming_the_variable(call):
    with pytest.raises(ImproperlyConfigured):
        call()


def test_it_reads_code_label_pairs_for_the_offence_categories():
    environ = {"P": "PC459=Burglary (PC 459); PC211=Robbery, armed or not"}
    assert env_pairs("P", [], environ=environ) == [("PC459", "Burglary (PC 459)"), ("PC211", "Robbery, armed or not")]
    assert env_pairs("P", [("A", "a")], environ={}) == [("A", "a")]
    for bad in ("PC459", "PC459=", "A=a;A=b"):
        with pytest.raises(ImproperlyConfigured, match="P"):
            env_pairs("P", [], environ={"P": bad})
