"""newsdigest.config: site.toml parsed into a typed SiteConfig, validated once."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from newsdigest.config import DEFAULT_SOURCES, Paths, SiteConfig, load_config, parse_config
from newsdigest.errors import NewsdigestError


def config_error(text: str) -> NewsdigestError:
    with pytest.raises(NewsdigestError) as info:
        parse_config(text)
    return info.value


# --- defaults and normalisation ------------------------------------------------------------

def test_empty_file_gives_the_defaults_and_no_warnings():
    config, warnings = parse_config("")
    assert warnings == []
    assert config == SiteConfig()
    assert config.title == "News digest"
    assert config.base_url == "http://localhost:8000/"
    assert config.language == "en"
    assert config.timezone == ZoneInfo("UTC")
    assert config.items_per_page == 20
    assert config.feed_size == 30
    assert config.sources["INA"] == "Iraqi News Agency"


def test_valid_values_are_typed():
    config, warnings = parse_config(
        'title = "Tigris Ledger"\n'
        'language = "ar-IQ"\n'
        'timezone = "Asia/Baghdad"\n'
        "items_per_page = 7\n"
        "feed_size = 3\n"
        'date_format = "%Y-%m-%d"\n'
    )
    assert warnings == []
    assert config.title == "Tigris Ledger"
    assert config.language == "ar-IQ"
    assert config.timezone == ZoneInfo("Asia/Baghdad")
    assert (config.items_per_page, config.feed_size) == (7, 3)
    assert config.date_format == "%Y-%m-%d"


@pytest.mark.parametrize("written, normalised, base_path", [
    ("https://example.org/digest", "https://example.org/digest/", "/digest/"),
    ("https://example.org/digest/", "https://example.org/digest/", "/digest/"),
    ("https://example.org", "https://example.org/", "/"),
    ("http://localhost:8000/a/b", "http://localhost:8000/a/b/", "/a/b/"),
])
def test_base_url_gets_a_trailing_slash_and_gives_the_base_path(written, normalised, base_path):
    config, _ = parse_config(f'base_url = "{written}"\n')
    assert config.base_url == normalised
    assert config.base_path == base_path


def test_absolute_joins_site_paths_under_the_sub_path():
    config, _ = parse_config('base_url = "https://example.org/digest"\n')
    assert config.absolute("topics/security/") == "https://example.org/digest/topics/security/"
    assert config.absolute("/feed.xml") == "https://example.org/digest/feed.xml"


# --- unknown keys ----------------------------------------------------------------------------

def test_unknown_key_is_a_warning_naming_the_key_its_line_and_a_suggestion():
    config, warnings = parse_config('title = "X"\n\nitems_per_pag = 5\n')
    assert config.items_per_page == 20  # ignored, not guessed
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.level == "warning"
    assert warning.line == 3
    assert "items_per_pag" in warning.message
    assert "did you mean 'items_per_page'" in warning.hint
    assert str(warning).startswith("site.toml:3: warning:")


def test_unknown_key_without_close_match_lists_the_known_keys():
    _, warnings = parse_config("zzzzzz = 1\n")
    assert len(warnings) == 1
    assert "timezone" in warnings[0].hint and "base_url" in warnings[0].hint


# --- bad values ------------------------------------------------------------------------------

@pytest.mark.parametrize("line, key, expected_form", [
    ('items_per_page = "a"', "items_per_page", "whole number"),
    ("items_per_page = 0", "items_per_page", "whole number"),
    ("items_per_page = true", "items_per_page", "whole number"),
    ("feed_size = -3", "feed_size", "whole number"),
    ('timezone = "Mars/Base"', "timezone", "IANA time zone"),
    ('timezone = "../../etc/passwd"', "timezone", "IANA time zone"),
    ('base_url = "ftp://x"', "base_url", "http(s) URL"),
    ('base_url = "example.org"', "base_url", "http(s) URL"),
    ('base_url = "https://example.org/?q=1"', "base_url", "http(s) URL"),
    ('language = "english!"', "language", "language tag"),
    ('date_format = "YYYY-MM-DD"', "date_format", "strftime"),
    ('title = "   "', "title", "non-empty"),
    ("[sources]\nINA = 3", "sources", "table of agency code"),
])
def test_bad_value_is_an_error_naming_the_key_the_line_and_the_expected_form(line, key, expected_form):
    error = config_error(f'author = "Desk"\n{line}\n')
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.level == "error"
    assert problem.path == "site.toml"
    assert problem.line == 2
    assert f"'{key}'" in problem.message
    assert expected_form in problem.message
    assert f"site.toml:2: error: '{key}'" in str(error)


def test_several_bad_values_are_all_reported_in_one_error():
    error = config_error(
        '# Site settings\n'
        'title = "ok"\n'
        "\n"
        "items_per_page = 0\n"
        'timezone = "Mars/Base"\n'
        "\n"
        'language = "english!"\n'
    )
    assert [p.line for p in error.problems] == [4, 5, 7]
    text = str(error)
    for key in ("items_per_page", "timezone", "language"):
        assert key in text


def test_unknown_keys_do_not_hide_bad_values():
    error = config_error("colour = 1\nfeed_size = 0\n")
    assert len(error.problems) == 1 and "feed_size" in error.problems[0].message


def test_invalid_toml_names_site_toml_and_the_line():
    error = config_error('title = "x"\ndescription = "y"\nitems_per_page = \n')
    (problem,) = error.problems
    assert problem.path == "site.toml"
    assert problem.line == 3
    assert "TOML" in problem.message
    assert str(error).startswith("site.toml:3: error:")


# --- sources ---------------------------------------------------------------------------------

def test_sources_merge_over_the_defaults():
    config, warnings = parse_config('[sources]\nTW = "Tigris Wire"\nAFP = "AFP (Paris)"\n')
    assert warnings == []
    assert config.sources["TW"] == "Tigris Wire"
    assert config.sources["AFP"] == "AFP (Paris)"
    assert config.sources["INA"] == "Iraqi News Agency"
    assert set(DEFAULT_SOURCES) <= set(config.sources)


def test_sources_of_one_config_do_not_leak_into_the_defaults():
    parse_config('[sources]\nTW = "Tigris Wire"\n')
    config, _ = parse_config("")
    assert "TW" not in config.sources
    assert "TW" not in DEFAULT_SOURCES


# --- load_config -----------------------------------------------------------------------------

def test_load_config_without_site_toml_gives_the_defaults(tmp_path):
    config, warnings = load_config(Paths(tmp_path))
    assert config == SiteConfig()
    assert warnings == []


def test_load_config_reads_site_toml(tmp_path):
    (tmp_path / "site.toml").write_text('title = "Ledger"\nbase_url = "https://example.org/digest"\n',
                                        encoding="utf-8")
    config, _ = load_config(Paths(tmp_path))
    assert config.title == "Ledger"
    assert config.base_path == "/digest/"


def test_load_config_reports_a_file_that_is_not_utf8(tmp_path):
    (tmp_path / "site.toml").write_bytes('title = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(NewsdigestError) as info:
        load_config(Paths(tmp_path))
    assert info.value.problems[0].path == "site.toml"
    assert "UTF-8" in str(info.value)


@pytest.mark.parametrize("written, formats", [
    ("[]", ()), ('["rss"]', ("rss",)), ('["json", "rss"]', ("rss", "json")), ('["rss", "atom", "json"]', ("rss", "atom", "json")),
])
def test_term_feeds_are_a_set_of_known_formats(written, formats):
    config, warnings = parse_config(f"term_feeds = {written}\n")
    assert warnings == []
    assert config.term_feeds == formats


@pytest.mark.parametrize("written", ['"rss"', '["rss", "xml"]', "[1]"])
def test_bad_term_feeds_name_the_key_and_the_expected_form(written):
    with pytest.raises(NewsdigestError) as caught:
        parse_config(f"term_feeds = {written}\n")
    problem = caught.value.problems[0]
    assert "term_feeds" in problem.message and "feed format" in problem.message
    assert problem.line == 1


def test_ingest_fields_map_article_fields_to_a_scrapers_own_names():
    config, warnings = parse_config('[ingest.fields]\ntitle = "hed"\nbody = ["story", "copy.text"]\n')
    assert warnings == []
    assert config.ingest.fields == {"title": ("hed",), "body": ("story", "copy.text")}
    assert SiteConfig().ingest.fields == {}


@pytest.mark.parametrize("written, key, expected_form", [
    ('[ingest.fields]\ntitle = 3\n', "ingest.fields.title", "the name of the field in your JSON"),
    ('[ingest.fields]\ntitle = []\n', "ingest.fields.title", "the name of the field in your JSON"),
    ('[ingest]\nfields = "title"\n', "ingest.fields", 'a table of field = "name in your JSON"'),
])
def test_bad_ingest_fields_name_the_key_the_line_and_the_expected_form(written, key, expected_form):
    error = config_error(written)
    [problem] = error.problems
    assert f"'{key}'" in problem.message and expected_form in problem.message
    assert problem.line == 2


def test_unknown_keys_in_ingest_are_warned_with_a_suggestion():
    _, warnings = parse_config("[ingest]\nfeilds = {}\n")
    assert [(w.message, w.hint, w.line) for w in warnings] == [
        ("unknown key 'ingest.feilds' is ignored", "did you mean 'fields'?", 2)]
    _, warnings = parse_config('[ingest.fields]\nheadline = "hed"\n')
    assert [(w.message, w.line) for w in warnings] == [("unknown key 'ingest.fields.headline' is ignored", 2)]
