"""newsdigest.extract.gazetteer: content/actors.toml, canonical actor names, kinds and aliases."""
from __future__ import annotations

from newsdigest.extract.gazetteer import load_gazetteer, parse_gazetteer

GAZETTEER_VALID = """\
# People
["Qasim al-Araji"]
kind = "person"
aliases = ["Qassim Al-Araji", "al-Araji", "قاسم الأعرجي"]
description = "Iraq's national security adviser."

[NATO]
kind = "organisation"
aliases = ["North Atlantic Treaty Organization"]

[Iraq]
kind = "country"

[Baghdad]
kind = "place"
"""

GAZETTEER_BAD_KIND = """\
[NATO]
kind = "organization"
"""

GAZETTEER_ALIAS_USED_TWICE = """\
["Layla Haddad"]
kind = "person"
aliases = ["Haddad"]

["Omar Haddad"]
kind = "person"
aliases = ["haddad"]
"""

GAZETTEER_INVALID_TOML = """\
["Layla Haddad"]
kind = "person"
aliases = [Haddad]
"""


def test_canonical_names_kinds_and_descriptions():
    gazetteer, problems = parse_gazetteer(GAZETTEER_VALID)
    assert problems == []
    assert list(gazetteer.entries) == ["Qasim al-Araji", "NATO", "Iraq", "Baghdad"]
    assert gazetteer.entries["Qasim al-Araji"].kind == "person"
    assert gazetteer.entries["Qasim al-Araji"].description == "Iraq's national security adviser."
    assert gazetteer.entries["Qasim al-Araji"].aliases == ("Qassim Al-Araji", "al-Araji", "قاسم الأعرجي")
    assert gazetteer.entries["NATO"].kind == "organisation"
    assert gazetteer.entries["Iraq"].kind == "country"
    assert gazetteer.entries["Baghdad"].kind == "place"


def test_aliases_resolve_case_insensitively_to_the_canonical_name():
    gazetteer, _ = parse_gazetteer(GAZETTEER_VALID)
    assert gazetteer.resolve("QASSIM AL-ARAJI") == "Qasim al-Araji"
    assert gazetteer.resolve("Al-araji") == "Qasim al-Araji"
    assert gazetteer.resolve("qasim  al-araji") == "Qasim al-Araji"
    assert gazetteer.resolve("قاسم الأعرجي") == "Qasim al-Araji"
    assert gazetteer.resolve("north atlantic treaty organization") == "NATO"
    assert gazetteer.resolve("nato") == "NATO"


def test_unknown_names_are_kept_as_written():
    gazetteer, _ = parse_gazetteer(GAZETTEER_VALID)
    assert gazetteer.resolve("Emre Kaya") == "Emre Kaya"


def test_bad_kind_is_a_warning_and_the_actor_is_kept_without_a_kind():
    gazetteer, problems = parse_gazetteer(GAZETTEER_BAD_KIND)
    (problem,) = problems
    assert problem.level == "warning"
    assert problem.path == "content/actors.toml"
    assert "NATO" in problem.message and "organization" in problem.message
    assert "organisation" in problem.message       # the allowed kinds are listed
    assert gazetteer.entries["NATO"].kind == ""
    assert gazetteer.resolve("nato") == "NATO"


def test_alias_used_twice_is_a_warning_and_the_first_actor_keeps_it():
    gazetteer, problems = parse_gazetteer(GAZETTEER_ALIAS_USED_TWICE)
    (problem,) = problems
    assert problem.level == "warning"
    assert "haddad" in problem.message.lower()
    assert "Layla Haddad" in problem.message and "Omar Haddad" in problem.message
    assert gazetteer.resolve("Haddad") == "Layla Haddad"


def test_aliases_that_are_not_a_list_are_a_warning():
    gazetteer, problems = parse_gazetteer('[Iraq]\nkind = "country"\naliases = "IQ"\n')
    assert [p.level for p in problems] == ["warning"]
    assert "aliases" in problems[0].message
    assert gazetteer.entries["Iraq"].kind == "country"


def test_an_entry_that_is_not_a_table_is_reported():
    gazetteer, problems = parse_gazetteer('Iraq = "country"\n')
    assert len(problems) == 1 and "Iraq" in problems[0].message
    assert gazetteer.entries == {}


def test_invalid_toml_is_a_problem_not_an_exception():
    gazetteer, problems = parse_gazetteer(GAZETTEER_INVALID_TOML)
    (problem,) = problems
    assert problem.level == "error"
    assert problem.path == "content/actors.toml"
    assert "TOML" in problem.message
    assert problem.line == 3
    assert gazetteer.entries == {}
    assert gazetteer.resolve("Haddad") == "Haddad"


def test_load_gazetteer_without_a_file_is_empty(tmp_path):
    gazetteer, problems = load_gazetteer(tmp_path)
    assert gazetteer.entries == {} and problems == []


def test_load_gazetteer_reads_the_file(tmp_path):
    (tmp_path / "actors.toml").write_text(GAZETTEER_VALID, encoding="utf-8")
    gazetteer, problems = load_gazetteer(tmp_path)
    assert problems == []
    assert gazetteer.resolve("al-araji") == "Qasim al-Araji"


def test_load_gazetteer_reports_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / "actors.toml").write_bytes('["Zoë"]\nkind = "person"\n'.encode("latin-1"))
    gazetteer, problems = load_gazetteer(tmp_path)
    (problem,) = problems
    assert problem.path == "content/actors.toml"
    assert "UTF-8" in problem.hint
    assert gazetteer.entries == {}


def test_the_same_files_give_one_gazetteer_and_rules_and_an_edit_takes_effect(tmp_path):
    """load_gazetteer and load_topic_rules make each file's text once (a live engine's builds
    share its fingerprint, matcher and automaton); an edited file is read anew."""
    from newsdigest.extract.topics import load_topic_rules
    (tmp_path / "actors.toml").write_text('["Layla Haddad"]\nkind = "person"\n')
    (tmp_path / "topics.toml").write_text('[Water.phrases]\n"dam" = 1.0\n')
    first, _ = load_gazetteer(tmp_path)
    rules, _ = load_topic_rules(tmp_path, defaults=False)
    assert load_gazetteer(tmp_path)[0] is first and load_topic_rules(tmp_path, defaults=False)[0] is rules
    (tmp_path / "actors.toml").write_text('["Layla Haddad"]\nkind = "person"\naliases = ["Umm Ali"]\n')
    (tmp_path / "topics.toml").write_text('[Water.phrases]\n"dam" = 1.0\n"canal" = 2.0\n')
    edited, _ = load_gazetteer(tmp_path)
    assert edited.lookup("Umm Ali") == "Layla Haddad" and first.lookup("Umm Ali") is None
    assert edited.fingerprint != first.fingerprint
    assert [p for p, _ in load_topic_rules(tmp_path, defaults=False)[0].topic("Water").phrases] == ["dam", "canal"]
    (tmp_path / "actors.toml").unlink()
    assert load_gazetteer(tmp_path)[0].lookup("Layla Haddad") is None
