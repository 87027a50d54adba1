"""newsdigest.deploy: the pure plan, then real deploys against an S3 API server on 127.0.0.1.

The server is moto in server mode, started once for this module in a subprocess; each test
works in a bucket of its own. Deploys go through the command line, as a user runs them.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from newsdigest.cli import main
from newsdigest.config import DeploySettings, parse_config
from newsdigest.deploy import (LONG_CACHE, SHORT_CACHE, LocalFile, RemoteObject, cache_control, content_type,
                               delete_batches, plan_deploy, run_deploy, scan_site)
from newsdigest.errors import NewsdigestError
from conftest import copy_sample
from support.processes import free_port, stop

ARTICLE = "content/articles/2024/01/iraq-turkey-open-water-sharing-talks.md"
ARTICLE_PAGE = "articles/2024/01/iraq-turkey-open-water-sharing-talks/index.html"


# --- content types and cache headers ----------------------------------------------------------

@pytest.mark.parametrize("relpath, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("articles/2024/01/talks/index.html", "text/html; charset=utf-8"),
    ("404.html", "text/html; charset=utf-8"),
    ("feed.xml", "application/rss+xml; charset=utf-8"),
    ("topics/water/feed.xml", "application/rss+xml; charset=utf-8"),
    ("atom.xml", "application/atom+xml; charset=utf-8"),
    ("actors/iraq/atom.xml", "application/atom+xml; charset=utf-8"),
    ("feed.json", "application/feed+json"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("static/style.7125d9454e.css", "text/css; charset=utf-8"),
    ("static/logo.svg", "image/svg+xml"),
    ("static/app.0123abcd.js", "text/javascript; charset=utf-8"),
    ("pagefind/pagefind-entry.json", "application/json"),
    ("feeds.opml", "text/x-opml; charset=utf-8"),
    ("static/font.woff2", "font/woff2"),
    ("static/photo.JPG", "image/jpeg"),
    ("pagefind/fragment/en_1a2b3c4.pf_fragment", "application/octet-stream"),
])
def test_content_type_by_name_then_suffix(relpath, expected):
    assert content_type(relpath) == expected


@pytest.mark.parametrize("relpath, expected", [
    ("static/style.7125d9454e.css", LONG_CACHE),
    ("static/img/logo.0123456789.svg", LONG_CACHE),
    ("static/LICENSE.deadbeef01", LONG_CACHE),   # render.py hashes names without a suffix too
    ("static/style.css", SHORT_CACHE),            # not hashed: may change under the same name
    ("static/2024.css", SHORT_CACHE),
    ("assets/style.7125d9454e.css", SHORT_CACHE),  # hashed-looking, but not one of our assets
    ("index.html", SHORT_CACHE),
    ("feed.xml", SHORT_CACHE),
    ("sitemap.xml", SHORT_CACHE),
])
def test_cache_control_is_long_only_for_hashed_static_assets(relpath, expected):
    assert cache_control(relpath) == expected


# --- plan_deploy (pure) --------------------------------------------------------------------------

def local(data: bytes, relpath: str = "index.html") -> LocalFile:
    return LocalFile(Path("/nowhere") / relpath, hashlib.md5(data).hexdigest(), len(data),
                     content_type(relpath), cache_control(relpath))


def remote(data: bytes) -> RemoteObject:
    return RemoteObject(hashlib.md5(data).hexdigest(), len(data))


def test_plan_sends_new_and_changed_files_and_leaves_equal_ones():
    plan = plan_deploy({"p/a.html": local(b"same"), "p/b.html": local(b"new text"), "p/c.html": local(b"c")},
                       {"p/a.html": remote(b"same"), "p/b.html": remote(b"old text")}, max_deletes=10)
    assert plan.uploads == ("p/b.html", "p/c.html")
    assert plan.unchanged == ("p/a.html",)
    assert plan.deletes == () and not plan.refused


def test_plan_compares_etags_without_regard_to_case_and_checks_size():
    data = b"body"
    upper = RemoteObject(hashlib.md5(data).hexdigest().upper(), len(data))
    assert plan_deploy({"k": local(data)}, {"k": upper}, 0).unchanged == ("k",)
    wrong_size = RemoteObject(hashlib.md5(data).hexdigest(), len(data) + 1)
    assert plan_deploy({"k": local(data)}, {"k": wrong_size}, 0).uploads == ("k",)


def test_plan_uploads_again_an_object_with_a_multipart_etag():
    data = b"body"
    multipart = RemoteObject(hashlib.md5(data).hexdigest() + "-2", len(data))
    assert plan_deploy({"k": local(data)}, {"k": multipart}, 0).uploads == ("k",)


def test_plan_deletes_remote_objects_that_left_the_site():
    plan = plan_deploy({"a.html": local(b"a")}, {"a.html": remote(b"a"), "z.html": remote(b"z"),
                                                 "old/b.html": remote(b"b")}, max_deletes=2)
    assert plan.deletes == ("old/b.html", "z.html")
    assert plan.refused_deletes == ()


def test_plan_refuses_every_deletion_over_the_cap():
    gone = {f"old/{i}.html": remote(b"x") for i in range(5)}
    plan = plan_deploy({"a.html": local(b"a")}, gone, max_deletes=4)
    assert plan.refused
    assert plan.deletes == ()
    assert plan.refused_deletes == tuple(sorted(gone))
    assert plan.uploads == ("a.html",)   # the plan still says what would go; run_deploy sends none of it


def test_plan_cap_is_inclusive_zero_forbids_any_deletion_and_none_lifts_it():
    gone = {f"old/{i}.html": remote(b"x") for i in range(3)}
    assert plan_deploy({}, gone, max_deletes=3).deletes == tuple(sorted(gone))
    assert plan_deploy({}, dict(list(gone.items())[:1]), max_deletes=0).refused
    assert plan_deploy({}, gone, max_deletes=None).deletes == tuple(sorted(gone))


def test_plan_uploads_assets_before_pages_and_pages_before_feeds():
    files = {name: local(name.encode(), name) for name in
             ("feed.xml", "index.html", "robots.txt", "sitemap.xml", "static/style.0123456789.css", "a/index.html")}
    plan = plan_deploy(files, {}, 0)
    assert plan.uploads == ("static/style.0123456789.css", "robots.txt", "a/index.html", "index.html",
                            "feed.xml", "sitemap.xml")


def test_scan_site_keys_files_under_the_prefix(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "index.html").write_bytes(b"<h1>Home</h1>")
    (tmp_path / "static" / "style.0123456789.css").write_bytes(b"body{}")
    files = scan_site(tmp_path, "digest/")
    assert set(files) == {"digest/index.html", "digest/static/style.0123456789.css"}
    page = files["digest/index.html"]
    assert (page.md5, page.size) == (hashlib.md5(b"<h1>Home</h1>").hexdigest(), 13)
    assert page.content_type == "text/html; charset=utf-8"
    assert files["digest/static/style.0123456789.css"].cache_control == LONG_CACHE


def test_delete_batches_hold_at_most_1000_keys():
    keys = [f"k{i}" for i in range(2345)]
    batches = list(delete_batches(keys))
    assert [len(b) for b in batches] == [1000, 1000, 345]
    assert [k for b in batches for k in b] == keys
    assert list(delete_batches([])) == []


# --- the [deploy] table in site.toml ------------------------------------------------------------

def test_deploy_settings_default_to_no_bucket_and_a_cap_of_100():
    config, warnings = parse_config("")
    assert config.deploy == DeploySettings()
    assert (config.deploy.bucket, config.deploy.prefix, config.deploy.max_deletes) == ("", "", 100)
    assert warnings == []


def test_deploy_settings_are_typed_and_normalised():
    config, warnings = parse_config('[deploy]\nbucket = "news-digest"\nprefix = "/digest"\n'
                                    'endpoint_url = "http://127.0.0.1:9000/"\nregion = "eu-central-1"\n'
                                    "max_deletes = 0\n")
    assert warnings == []
    assert config.deploy == DeploySettings("news-digest", "digest/", "http://127.0.0.1:9000", "eu-central-1", 0)


@pytest.mark.parametrize("line, key, expected_form", [
    ('bucket = "News_Digest"', "deploy.bucket", "S3 bucket name"),
    ('bucket = "ab"', "deploy.bucket", "S3 bucket name"),
    ('prefix = "a/../b"', "deploy.prefix", "folder inside the bucket"),
    ("prefix = 3", "deploy.prefix", "folder inside the bucket"),
    ('endpoint_url = "127.0.0.1:9000"', "deploy.endpoint_url", "http(s) URL"),
    ('region = "EU West"', "deploy.region", "region name"),
    ("max_deletes = -1", "deploy.max_deletes", "whole number of at least 0"),
    ('max_deletes = "10%"', "deploy.max_deletes", "whole number of at least 0"),
])
def test_bad_deploy_value_is_an_error_naming_the_dotted_key_and_its_line(line, key, expected_form):
    with pytest.raises(NewsdigestError) as info:
        parse_config(f'title = "x"\n\n[deploy]\n{line}\n')
    (problem,) = info.value.problems
    assert f"'{key}' must be" in problem.message and expected_form in problem.message
    assert problem.line == 4
    assert str(problem).startswith(f"site.toml:4: error: '{key}'")


def test_deploy_that_is_not_a_table_and_unknown_deploy_keys():
    with pytest.raises(NewsdigestError) as info:
        parse_config("deploy = 3\n")
    assert "'deploy' must be a table" in str(info.value)
    config, warnings = parse_config('[deploy]\nbucket = "news-digest"\nbukcet = "x"\n')
    assert config.deploy.bucket == "news-digest"
    (warning,) = warnings
    assert "'deploy.bukcet'" in warning.message and "did you mean 'bucket'" in warning.hint
    assert warning.line == 3


# --- against a real S3 API (moto server) --------------------------------------------------------

@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """http://127.0.0.1:PORT of a moto S3 server running for this module."""
    pytest.importorskip("boto3")
    pytest.importorskip("moto.server")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto server did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.05)
        yield endpoint
    finally:
        stop(server)


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    """Fake credentials only; nothing from the developer's own AWS setup."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                 "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class Bucket:
    """A fresh bucket on the test server, and a look at what is in it."""

    def __init__(self, endpoint: str):
        import boto3
        self.endpoint = endpoint
        self.name = f"digest-{uuid.uuid4().hex[:12]}"
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        self.client.create_bucket(Bucket=self.name)

    def objects(self, prefix: str = "") -> dict[str, str]:
        """key -> ETag (without quotes) of every object under prefix."""
        found = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix):
            for obj in page.get("Contents", ()):
                found[obj["Key"]] = obj["ETag"].strip('"')
        return found

    def put(self, key: str, body: bytes = b"old") -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=body)

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket(s3_endpoint) -> Bucket:
    return Bucket(s3_endpoint)


def configure(root: Path, bucket: Bucket, prefix: str = "digest/", max_deletes: int = 100) -> None:
    with (root / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[deploy]\nbucket = "{bucket.name}"\nprefix = "{prefix}"\n'
                   f'endpoint_url = "{bucket.endpoint}"\nmax_deletes = {max_deletes}\n')


def built_files(root: Path) -> dict[str, str]:
    """relpath -> MD5 of every file in the root's built site."""
    site = (root / "site").resolve()
    return {p.relative_to(site).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
            for p in site.rglob("*") if p.is_file()}


def build(root: Path) -> dict[str, str]:
    """Build the site; relpath -> MD5 of every file in it."""
    assert main(["--root", str(root), "build"]) == 0
    return built_files(root)


@pytest.fixture(scope="module")
def built_sample(tmp_path_factory) -> Path:
    """The sample site, built once for this module; tests deploy copies of it."""
    root = copy_sample(tmp_path_factory.mktemp("built") / "sample")
    build(root)
    return root


@pytest.fixture
def built(built_sample, tmp_path) -> Path:
    """A private copy of the built sample site (`site` stays a relative symlink into the copy)."""
    root = tmp_path / "sample"
    shutil.copytree(built_sample, root, symlinks=True)
    return root


@pytest.fixture
def tiny_site(tmp_path) -> Path:
    """A built site of one page, for the error paths."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>Home</h1>", encoding="utf-8")
    return tmp_path / "site"


def deploy(root: Path, capsys, *flags: str) -> tuple[int, list[str], str, str]:
    """`deploy` on the command line: exit code, action lines, summary line, and stderr."""
    capsys.readouterr()
    code = main(["--root", str(root), "deploy", *flags])
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    return code, lines[:-1], lines[-1] if lines else "", captured.err


def keys_of(lines: list[str], action: str) -> set[str]:
    return {line[len(action) + 1:] for line in lines if line.startswith(action + " ")}


@pytest.fixture
def site(built, bucket) -> Path:
    configure(built, bucket)
    return built


def test_first_deploy_uploads_every_file_with_its_content_type_and_cache_header(site, bucket, capsys):
    files = built_files(site)
    code, lines, summary, _ = deploy(site, capsys)
    assert code == 0
    assert keys_of(lines, "upload") == {"digest/" + relpath for relpath in files}
    assert summary == f"deployed to s3://{bucket.name}/digest/: {len(files)} uploaded, 0 deleted, 0 unchanged"
    assert bucket.objects() == {"digest/" + relpath: md5 for relpath, md5 in files.items()}

    (css,) = [relpath for relpath in files if relpath.startswith("static/style.")]
    expected = {
        "index.html": ("text/html; charset=utf-8", SHORT_CACHE),
        ARTICLE_PAGE: ("text/html; charset=utf-8", SHORT_CACHE),
        "404.html": ("text/html; charset=utf-8", SHORT_CACHE),
        "feed.xml": ("application/rss+xml; charset=utf-8", SHORT_CACHE),
        "atom.xml": ("application/atom+xml; charset=utf-8", SHORT_CACHE),
        "topics/water/feed.xml": ("application/rss+xml; charset=utf-8", SHORT_CACHE),
        "sitemap.xml": ("application/xml; charset=utf-8", SHORT_CACHE),
        "robots.txt": ("text/plain; charset=utf-8", SHORT_CACHE),
        css: ("text/css; charset=utf-8", LONG_CACHE),
    }
    for relpath, (ctype, cache) in expected.items():
        head = bucket.head("digest/" + relpath)
        assert (head["ContentType"], head["CacheControl"]) == (ctype, cache), relpath
    body = bucket.client.get_object(Bucket=bucket.name, Key="digest/index.html")["Body"].read()
    assert body == (site / "site" / "index.html").read_bytes()


def test_second_deploy_uploads_nothing(site, bucket, capsys):
    files = built_files(site)
    deploy(site, capsys)
    code, lines, summary, _ = deploy(site, capsys)
    assert code == 0
    assert lines == []
    assert summary.endswith(f": 0 uploaded, 0 deleted, {len(files)} unchanged")


def test_after_editing_one_article_only_the_changed_files_are_uploaded(site, bucket, capsys):
    before = built_files(site)
    deploy(site, capsys)
    article = site / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nA late paragraph from the talks.\n",
                       encoding="utf-8")
    after = build(site)
    changed = {relpath for relpath, md5 in after.items() if before.get(relpath) != md5}
    gone = set(before) - set(after)   # e.g. search index files named by their content
    assert ARTICLE_PAGE in changed and len(changed) < len(after) / 2

    code, lines, summary, _ = deploy(site, capsys)
    assert code == 0
    assert keys_of(lines, "upload") == {"digest/" + relpath for relpath in changed}
    assert keys_of(lines, "delete") == {"digest/" + relpath for relpath in gone}
    assert summary.endswith(f": {len(changed)} uploaded, {len(gone)} deleted, "
                            f"{len(after) - len(changed)} unchanged")
    assert bucket.objects() == {"digest/" + relpath: md5 for relpath, md5 in after.items()}


def test_after_removing_an_article_its_objects_are_deleted(site, bucket, capsys):
    before = built_files(site)
    deploy(site, capsys)
    (site / ARTICLE).unlink()
    after = build(site)
    removed = set(before) - set(after)
    assert ARTICLE_PAGE in removed

    code, lines, _, _ = deploy(site, capsys)
    assert code == 0
    assert keys_of(lines, "delete") == {"digest/" + relpath for relpath in removed}
    assert bucket.objects() == {"digest/" + relpath: md5 for relpath, md5 in after.items()}


def test_mass_deletion_is_refused_and_changes_nothing_until_forced(built, bucket, capsys):
    # The prefix points at a folder that holds far more than this site: probably a mistake.
    configure(built, bucket, prefix="", max_deletes=10)
    strangers = {f"archive-2019/page-{i}.html" for i in range(25)}
    for key in strangers:
        bucket.put(key)
    files = built_files(built)

    code, lines, summary, err = deploy(built, capsys)
    assert code == 1
    assert summary.startswith("refused: would delete 25 of 25 objects")
    assert "nothing was changed" in summary
    assert len(keys_of(lines, "refuse delete")) == 10 and lines[-1] == "... and 15 more"
    assert "deploy.max_deletes = 10" in err and "--force-delete" in err
    assert set(bucket.objects()) == strangers   # not even the uploads went ahead

    code, lines, summary, _ = deploy(built, capsys, "--dry-run")   # a dry run is refused the same way
    assert code == 1 and set(bucket.objects()) == strangers

    code, lines, summary, _ = deploy(built, capsys, "--force-delete")
    assert code == 0
    assert keys_of(lines, "delete") == strangers
    assert set(bucket.objects()) == set(files)


def test_dry_run_prints_the_plan_and_changes_nothing(site, bucket, capsys):
    bucket.put("digest/stale.html")
    files = built_files(site)
    code, lines, summary, _ = deploy(site, capsys, "--dry-run")
    assert code == 0
    assert keys_of(lines, "would upload") == {"digest/" + relpath for relpath in files}
    assert keys_of(lines, "would delete") == {"digest/stale.html"}
    assert summary == (f"dry run for s3://{bucket.name}/digest/: would upload {len(files)}, delete 1; "
                       "0 unchanged; nothing was changed")
    assert set(bucket.objects()) == {"digest/stale.html"}


def test_prefix_is_respected_and_objects_outside_it_are_left_alone(built, bucket, capsys):
    configure(built, bucket, prefix="news/digest")   # normalised to "news/digest/"
    outside = {"index.html", "news/other/index.html", "news/digest-2023/index.html"}
    for key in outside:
        bucket.put(key)
    files = built_files(built)
    code, lines, _, _ = deploy(built, capsys, "--force-delete")
    assert code == 0
    assert keys_of(lines, "delete") == set()
    assert set(bucket.objects()) == outside | {"news/digest/" + relpath for relpath in files}


# --- errors a user can act on ----------------------------------------------------------------

def test_no_bucket_names_site_toml_and_the_key(built, capsys):
    assert main(["--root", str(built), "deploy"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("site.toml: error:") and "'deploy.bucket'" in err and "[deploy]" in err


def test_no_built_site_says_to_build_first(sample_site, bucket, capsys):
    configure(sample_site, bucket)
    assert main(["--root", str(sample_site), "deploy"]) == 1
    err = capsys.readouterr().err
    assert "no built site" in err and "python build.py build" in err
    assert bucket.objects() == {}


def test_missing_bucket_is_one_line_naming_it(tiny_site, s3_endpoint):
    with pytest.raises(NewsdigestError) as info:
        run_deploy(tiny_site, DeploySettings("no-such-bucket-here", "", s3_endpoint))
    message = str(info.value)
    assert "\n" not in message and "'no-such-bucket-here' does not exist" in message


def test_unreachable_endpoint_is_one_line_naming_it(tiny_site):
    pytest.importorskip("boto3")
    endpoint = f"http://127.0.0.1:{free_port()}"   # nothing listens there
    with pytest.raises(NewsdigestError) as info:
        run_deploy(tiny_site, DeploySettings("news-digest", "", endpoint))
    message = str(info.value)
    assert "\n" not in message and f"cannot reach {endpoint}" in message and "deploy.endpoint_url" in message


def test_missing_credentials_are_one_line(tiny_site, s3_endpoint, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(NewsdigestError) as info:
        run_deploy(tiny_site, DeploySettings("news-digest", "", s3_endpoint))
    message = str(info.value)
    assert "\n" not in message and "credentials" in message and "AWS_ACCESS_KEY_ID" in message


def test_unknown_aws_profile_is_one_line_naming_it(tiny_site, s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(NewsdigestError) as info:
        run_deploy(tiny_site, DeploySettings("news-digest", "", s3_endpoint))
    message = str(info.value)
    assert "\n" not in message and "no-such-profile" in message and "AWS_PROFILE" in message


def test_without_boto3_the_error_says_what_to_install(tiny_site, monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)   # makes `import boto3` fail
    with pytest.raises(NewsdigestError) as info:
        run_deploy(tiny_site, DeploySettings("news-digest"))
    assert "pip install 'newsdigest[deploy]'" in str(info.value)
