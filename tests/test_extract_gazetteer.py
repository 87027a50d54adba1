"""newsdigest.extract.gazetteer: the default layer (countries, demonyms, organisations), the
site layer over it, and finding gazetteer names in a text."""
from __future__ import annotations

from dataclasses import replace

import pycountry
import pytest

from newsdigest.extract.gazetteer import Gazetteer, default_gazetteer, is_abbreviation, load_gazetteer, parse_gazetteer
from newsdigest.core import name_key

SITE = """\
["Türkiye"]
kind = "country"
aliases = ["Turkey"]
description = "The site prefers the official spelling."

["NATO"]
kind = "organisation"
description = "Our own description."
aliases = ["the Alliance"]

["Layla Haddad"]
kind = "person"
aliases = ["Haddad"]

["Kurdistan Region"]
kind = "place"
demonyms = ["Kurdistani"]
"""


@pytest.fixture(scope="module")
def layered() -> Gazetteer:
    site, problems = parse_gazetteer(SITE)
    assert problems == []
    return replace(site, defaults=default_gazetteer())


# --- the default layer -----------------------------------------------------------------------

def test_every_iso_country_is_in_the_default_gazetteer():
    gazetteer = default_gazetteer()
    countries = [name for name, info in gazetteer.entries.items() if info.kind == "country"]
    assert len(countries) == len(pycountry.countries) + 1          # and Kosovo
    for country in pycountry.countries:
        names = [getattr(country, key, None) for key in ("common_name", "name", "official_name")]
        found = {gazetteer.lookup(n) for n in names if n and "," not in n} - {None}
        assert len(found) <= 1, country.name
        assert all(gazetteer.kind(n) == "country" for n in found)
    assert gazetteer.lookup("Congo-Kinshasa") == "Democratic Republic of the Congo"


@pytest.mark.parametrize("written, canonical", [
    ("Syria", "Syria"), ("Syrian Arab Republic", "Syria"), ("Iran", "Iran"), ("Islamic Republic of Iran", "Iran"),
    ("Turkey", "Turkey"), ("Türkiye", "Turkey"), ("Russia", "Russia"), ("Palestine", "Palestine"),
    ("United States", "United States"), ("U.S.", "United States"), ("US", "United States"), ("USA", "United States"),
    ("United Kingdom", "United Kingdom"), ("UK", "United Kingdom"), ("Britain", "United Kingdom"),
    ("South Korea", "South Korea"), ("Ivory Coast", "Ivory Coast"), ("Kosovo", "Kosovo"),
])
def test_countries_go_by_the_names_news_copy_uses(written, canonical):
    assert default_gazetteer().lookup(written) == canonical
    assert default_gazetteer().kind(written) == "country"


@pytest.mark.parametrize("demonym, country", [
    ("Iraqi", "Iraq"), ("Iraqis", "Iraq"), ("Turkish", "Turkey"), ("Iranian", "Iran"), ("Syrian", "Syria"),
    ("Jordanian", "Jordan"), ("Kuwaiti", "Kuwait"), ("Saudi", "Saudi Arabia"), ("American", "United States"),
    ("British", "United Kingdom"), ("French", "France"), ("German", "Germany"), ("Belgian", "Belgium"),
    ("Palestinian", "Palestine"), ("Emirati", "United Arab Emirates"), ("South Korean", "South Korea"),
])
def test_demonyms_mean_their_country(demonym, country):
    assert default_gazetteer().lookup(demonym) == country


def test_there_are_demonyms_for_at_least_sixty_countries():
    assert len(set(default_gazetteer().demonyms.values())) >= 60


@pytest.mark.parametrize("written, canonical", [
    ("NATO", "NATO"), ("UN", "United Nations"), ("United Nations", "United Nations"), ("EU", "European Union"),
    ("OPEC", "OPEC"), ("World Bank", "World Bank"), ("IMF", "International Monetary Fund"),
    ("Arab League", "Arab League"), ("African Union", "African Union"), ("ASEAN", "ASEAN"),
    ("WHO", "World Health Organization"), ("UNICEF", "UNICEF"), ("UNHCR", "UNHCR"),
    ("ICRC", "International Committee of the Red Cross"), ("IAEA", "International Atomic Energy Agency"),
    ("Daesh", "Islamic State"),
])
def test_international_organisations_with_their_abbreviations(written, canonical):
    assert default_gazetteer().lookup(written) == canonical
    assert default_gazetteer().kind(written) == "organisation"


def test_the_default_data_has_no_name_given_to_two_actors():
    gazetteer = default_gazetteer()
    seen: dict[str, str] = {}
    for name, info in gazetteer.entries.items():
        for form in (name, *info.aliases):
            other = seen.setdefault(name_key(form), name)
            assert other == name, f"{form!r} is used by {other} and {name}"


# --- the site layer over the defaults -------------------------------------------------------------

def test_site_entries_take_over_the_default_entry_they_name(layered):
    assert layered.resolve("Turkey") == "Türkiye"
    assert layered.resolve("Turkish") == "Türkiye"          # the default demonym follows
    assert layered.resolve("Republic of Türkiye") == "Türkiye"
    assert "Turkey" not in layered.all_entries
    info = layered.all_entries["Türkiye"]
    assert info.kind == "country" and info.description == "The site prefers the official spelling."


def test_site_fields_win_and_aliases_add_up(layered):
    info = layered.info("NATO")
    assert info.description == "Our own description."
    assert "the Alliance" in info.aliases and "North Atlantic Treaty Organization" in info.aliases
    assert layered.resolve("north atlantic treaty organization") == "NATO"


def test_site_entries_extend_the_defaults(layered):
    assert layered.kind("Layla Haddad") == "person"
    assert layered.resolve("Kurdistani") == "Kurdistan Region"
    assert layered.resolve("Iraqi") == "Iraq"                # untouched defaults stay
    assert list(layered.all_entries)[:4] == ["Türkiye", "NATO", "Layla Haddad", "Kurdistan Region"]


def test_entries_keep_the_site_layer_as_written(layered):
    assert set(layered.entries) == {"Türkiye", "NATO", "Layla Haddad", "Kurdistan Region"}


def test_load_gazetteer_puts_the_site_file_over_the_defaults(tmp_path):
    (tmp_path / "actors.toml").write_text(SITE, encoding="utf-8")
    gazetteer, problems = load_gazetteer(tmp_path)
    assert problems == []
    assert gazetteer.resolve("Haddad") == "Layla Haddad" and gazetteer.resolve("Iraqi") == "Iraq"
    alone, _ = load_gazetteer(tmp_path, defaults=False)
    assert alone.resolve("Iraqi") == "Iraqi"


def test_taking_over_a_default_entry_of_another_kind_is_a_warning(tmp_path):
    (tmp_path / "actors.toml").write_text('["Jordan Peterson"]\nkind = "person"\naliases = ["Jordan"]\n',
                                           encoding="utf-8")
    gazetteer, problems = load_gazetteer(tmp_path)
    (problem,) = problems
    assert problem.level == "warning" and "'Jordan'" in problem.message and "country" in problem.message
    assert gazetteer.resolve("Jordanian") == "Jordan Peterson"      # what the warning is about


def test_without_a_site_file_the_defaults_still_answer(tmp_path):
    gazetteer, problems = load_gazetteer(tmp_path)
    assert problems == [] and gazetteer.entries == {}
    assert gazetteer.resolve("Syrian Arab Republic") == "Syria"


def test_demonyms_of_the_site_file_are_checked():
    _, problems = parse_gazetteer('[A]\nkind = "country"\ndemonyms = "x"\n')
    assert [p.level for p in problems] == ["warning"] and "demonyms" in problems[0].message


def test_the_fingerprint_changes_with_the_gazetteer(layered):
    other = replace(layered, entries={**layered.entries, "Omar Jabouri": layered.entries["Layla Haddad"]})
    assert layered.fingerprint == replace(layered).fingerprint
    assert other.fingerprint != layered.fingerprint


# --- finding names in a text -----------------------------------------------------------------------

def hits(gazetteer: Gazetteer, text: str, agencies=None) -> list[tuple[str, str, str]]:
    return [(h.surface, h.canonical, h.how) for h in gazetteer.matcher(agencies).find(text)]


def test_whole_words_only_and_the_longest_name_wins():
    found = hits(default_gazetteer(), "Iraqi officials met the United Nations envoy in Papua New Guinea.")
    assert found == [("Iraqi", "Iraq", "demonym"), ("United Nations", "United Nations", "name"),
                     ("Papua New Guinea", "Papua New Guinea", "name")]
    assert hits(default_gazetteer(), "Iraqis and Nigerians, not Niger or Iraq-based firms") == [
        ("Iraqis", "Iraq", "demonym"), ("Nigerians", "Nigeria", "demonym"), ("Niger", "Niger", "name"),
        ("Iraq", "Iraq", "name")]


def test_abbreviations_match_only_in_capitals_and_names_only_capitalised():
    found = hits(default_gazetteer(), "Who said the UN and US told us what the un-named WHO official knew? The world bank.")
    assert [f[1] for f in found] == ["United Nations", "United States", "World Health Organization"]


def test_possessives_and_hyphens_are_word_boundaries():
    found = hits(default_gazetteer(), "NATO's mission and the US-led coalition; Al-Qaeda's cells")
    assert [f[1] for f in found] == ["NATO", "United States", "al-Qaeda"]


def test_phrases_that_only_contain_a_country_are_not_the_country():
    found = hits(default_gazetteer(), "Latin American exports, the Indian Ocean and talks in Abu Dhabi")
    assert [(surface, how) for surface, _, how in found] == [
        ("Latin American", "blocked"), ("Indian Ocean", "blocked"), ("Abu Dhabi", "blocked")]
    assert all(canonical == "" for _, canonical, _ in found)


def test_news_agencies_are_found_as_sources_not_as_actors():
    agencies = {"INA": "Iraqi News Agency", "KUNA": "Kuwait News Agency"}
    found = default_gazetteer().matcher(agencies).find("the Iraqi News Agency- INA reported, KUNA said")
    assert [(h.surface, h.canonical, h.agency) for h in found] == [
        ("Iraqi News Agency", "", "Iraqi News Agency"), ("INA", "", "Iraqi News Agency"),
        ("KUNA", "", "Kuwait News Agency")]


def test_an_agency_in_the_gazetteer_is_both(tmp_path):
    site, _ = parse_gazetteer('["Iraqi News Agency"]\nkind = "organisation"\naliases = ["INA"]\n')
    gazetteer = replace(site, defaults=default_gazetteer())
    (hit,) = gazetteer.matcher({"INA": "Iraqi News Agency"}).find("The Iraqi News Agency opened a bureau")
    assert hit.canonical == "Iraqi News Agency" and hit.agency == "Iraqi News Agency"


def test_the_matcher_is_built_once_per_gazetteer_and_agency_table():
    gazetteer = default_gazetteer()
    assert gazetteer.matcher({"INA": "Iraqi News Agency"}) is gazetteer.matcher({"INA": "Iraqi News Agency"})
    assert gazetteer.matcher() is not gazetteer.matcher({"INA": "Iraqi News Agency"})


def test_offsets_survive_characters_whose_lower_case_is_longer():
    text = "İstanbul talks: Turkey and Iraq"
    found = default_gazetteer().matcher().find(text)
    assert [text[h.start:h.end] for h in found] == ["Turkey", "Iraq"]


def test_non_latin_aliases_match(tmp_path):
    site, _ = parse_gazetteer('[Iraq]\nkind = "country"\naliases = ["العراق"]\n')
    gazetteer = replace(site, defaults=default_gazetteer())
    assert [h.canonical for h in gazetteer.matcher().find("زار الوزير العراق أمس")] == ["Iraq"]


@pytest.mark.parametrize("alias, expected", [("NATO", True), ("U.S.", True), ("IsDB", True), ("G7", True),
                                             ("Iraq", False), ("Al-Qaeda", False), ("UN Women", False)])
def test_what_counts_as_an_abbreviation(alias, expected):
    assert is_abbreviation(alias) is expected
