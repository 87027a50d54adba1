"""Deploy: upload the built site to an S3-compatible bucket, sending only what changed.

Plan first, then act. Scanning the site gives each file's key, MD5, content type and cache
header; listing the bucket gives each object's ETag; `plan_deploy` (pure) compares the two.
A single-part upload's ETag is the MD5 of its bytes, so equal means unchanged. Objects that
are no longer in the site are deleted, but only up to `deploy.max_deletes`: a wrong prefix or
an empty site would otherwise wipe a bucket, so more than that refuses the whole deploy unless
--force-delete is given.

Uploads go in an order that keeps the live site whole: content-hashed assets first, then other
files, then HTML pages, then feeds and the sitemap that point at them; deletions come last.
boto3 is an optional dependency, imported only here when a deploy runs.
"""
from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .config import DeploySettings, Paths, load_config
from .errors import NewsdigestError, Problem, Report

SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes
UPLOAD_WORKERS = 8

# By file name first (feeds are .xml or .json like other files), then by suffix.
_TYPES_BY_NAME = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json",
    "sitemap.xml": "application/xml; charset=utf-8",
    "robots.txt": "text/plain; charset=utf-8",
}
_TYPES_BY_SUFFIX = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
}
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/xml")

# A content hash as its own dotted part of the name, as render.py writes it: style.7125d9454e.css
_HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}(\.[A-Za-z0-9]+)?$")


def content_type(relpath: str) -> str:
    """The Content-Type to serve a site file with."""
    name = relpath.rsplit("/", 1)[-1].lower()
    if name in _TYPES_BY_NAME:
        return _TYPES_BY_NAME[name]
    suffix = name[name.rfind("."):] if "." in name else ""
    if suffix in _TYPES_BY_SUFFIX:
        return _TYPES_BY_SUFFIX[suffix]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"


def cache_control(relpath: str) -> str:
    """Hashed assets never change under their name: cache for a year. Everything else briefly."""
    name = relpath.rsplit("/", 1)[-1]
    if relpath.startswith("static/") and _HASHED_NAME.search(name):
        return LONG_CACHE
    return SHORT_CACHE


@dataclass(frozen=True)
class LocalFile:
    path: Path
    md5: str            # hex digest; the ETag S3 gives a single-part upload of these bytes
    size: int
    content_type: str
    cache_control: str


@dataclass(frozen=True)
class RemoteObject:
    etag: str           # without the quotes S3 puts around it; "<md5>-<parts>" if multipart
    size: int


@dataclass(frozen=True)
class DeployPlan:
    uploads: tuple[str, ...]            # new or changed keys, in upload order
    deletes: tuple[str, ...]            # keys to delete (empty when refused)
    unchanged: tuple[str, ...]
    refused_deletes: tuple[str, ...]    # deletions over the cap: the deploy must not go ahead

    @property
    def refused(self) -> bool:
        return bool(self.refused_deletes)


def _upload_phase(file: LocalFile) -> int:
    if file.cache_control == LONG_CACHE:
        return 0
    if file.content_type.startswith("text/html"):
        return 2
    if file.content_type.startswith(_FEED_TYPES):
        return 3
    return 1


def plan_deploy(local_files: dict[str, LocalFile], remote: dict[str, RemoteObject],
                max_deletes: int | None) -> DeployPlan:
    """What to upload, delete and leave alone; `max_deletes=None` means no cap (--force-delete)."""
    uploads, unchanged = [], []
    for key, file in local_files.items():
        current = remote.get(key)
        if current is not None and current.etag.lower() == file.md5 and current.size == file.size:
            unchanged.append(key)
        else:
            uploads.append(key)
    uploads.sort(key=lambda k: (_upload_phase(local_files[k]), k))
    deletes = sorted(key for key in remote if key not in local_files)
    if max_deletes is not None and len(deletes) > max_deletes:
        return DeployPlan(tuple(uploads), (), tuple(sorted(unchanged)), tuple(deletes))
    return DeployPlan(tuple(uploads), tuple(deletes), tuple(sorted(unchanged)), ())


def scan_site(site_dir: Path, prefix: str) -> dict[str, LocalFile]:
    """Every file of the built site under its bucket key (prefix + path inside the site)."""
    files: dict[str, LocalFile] = {}
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        relpath = path.relative_to(site_dir).as_posix()
        data = path.read_bytes()
        files[prefix + relpath] = LocalFile(path, hashlib.md5(data).hexdigest(), len(data),
                                            content_type(relpath), cache_control(relpath))
    return files


# --- the deploy run ----------------------------------------------------------------------------

@dataclass
class DeployReport:
    target: str                                     # s3://bucket/prefix
    dry_run: bool
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)
    max_deletes: int = 0
    remote_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.refused

    def summary(self) -> str:
        if self.refused:
            return (f"refused: would delete {len(self.refused)} of {self.remote_count} objects under "
                    f"{self.target}, more than max_deletes = {self.max_deletes}; nothing was changed")
        if self.dry_run:
            return (f"dry run for {self.target}: would upload {len(self.uploaded)}, delete "
                    f"{len(self.deleted)}; {self.unchanged} unchanged; nothing was changed")
        return (f"deployed to {self.target}: {len(self.uploaded)} uploaded, {len(self.deleted)} deleted, "
                f"{self.unchanged} unchanged")

    def refusal(self) -> Problem:
        return Problem("site.toml",
                       f"deploy would delete {len(self.refused)} objects under {self.target}, "
                       f"more than deploy.max_deletes = {self.max_deletes}",
                       "check deploy.bucket and deploy.prefix; if these deletions are intended, "
                       "rerun with --force-delete or raise max_deletes")


def _target(settings: DeploySettings) -> str:
    return f"s3://{settings.bucket}/{settings.prefix}"


def _require_site(site_dir: Path) -> Path:
    resolved = site_dir.resolve()
    if not resolved.is_dir() or not any(resolved.iterdir()):
        raise NewsdigestError(Problem(f"{site_dir.name}/", "there is no built site to deploy",
                                      "run `python build.py build` first"))
    return resolved


def _client(settings: DeploySettings) -> Any:
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise NewsdigestError(Problem("deploy", "boto3 is not installed",
                                      "pip install 'newsdigest[deploy]'")) from None
    options: dict[str, Any] = {"retries": {"max_attempts": 3, "mode": "standard"}, "connect_timeout": 10}
    try:
        # botocore >= 1.36 adds CRC checksums to every request; several S3-compatible stores
        # reject them. Send them only where the API requires one.
        config = Config(request_checksum_calculation="when_required",
                        response_checksum_validation="when_required", **options)
    except TypeError:  # older botocore: the option does not exist, nor the problem
        config = Config(**options)
    return boto3.session.Session().client("s3", endpoint_url=settings.endpoint_url,
                                          region_name=settings.region, config=config)


def _explain(exc: Exception, settings: DeploySettings) -> Problem:
    """One line a user can act on for a failure talking to the store."""
    from botocore import exceptions as bx

    where = _target(settings)
    endpoint = settings.endpoint_url or "AWS S3"
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return Problem(where, f"no usable AWS credentials: {exc}",
                       "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment; "
                       "site.toml never holds credentials")
    if isinstance(exc, bx.ProfileNotFound):
        return Problem(where, str(exc), "check AWS_PROFILE against the profiles in ~/.aws/config")
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError)):
        return Problem(where, f"cannot reach {endpoint}: {exc}",
                       "check deploy.endpoint_url in site.toml and that the service is running")
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code", "?")), error.get("Message", "") or str(exc)
        if code in ("NoSuchBucket", "404"):
            return Problem(where, f"bucket '{settings.bucket}' does not exist at {endpoint}",
                           "create it, or correct deploy.bucket / deploy.endpoint_url in site.toml")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken",
                    "InvalidToken", "403"):
            return Problem(where, f"{endpoint} refused the request: {code}: {message}",
                           "check the AWS credentials in the environment and the bucket's permissions")
        return Problem(where, f"{exc.operation_name} failed: {code}: {message}")
    if isinstance(exc, bx.BotoCoreError):
        return Problem(where, f"cannot talk to {endpoint}: {exc}")
    if isinstance(exc, OSError):
        return Problem(where, f"cannot read the built site: {exc}",
                       "a build may have replaced it during the deploy; run deploy again")
    raise exc


def _list_remote(client: Any, settings: DeploySettings) -> dict[str, RemoteObject]:
    remote: dict[str, RemoteObject] = {}
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=settings.bucket, Prefix=settings.prefix)
    for page in pages:
        for obj in page.get("Contents", ()):
            if obj["Key"].endswith("/"):  # a "folder" marker some tools create: not ours, leave it
                continue
            remote[obj["Key"]] = RemoteObject(obj.get("ETag", "").strip('"'), obj.get("Size", 0))
    return remote


def _upload(client: Any, bucket: str, key: str, file: LocalFile) -> str:
    # ContentMD5 from the scan: if the file changed since, the store rejects the upload.
    client.put_object(Bucket=bucket, Key=key, Body=file.path.read_bytes(),
                      ContentType=file.content_type, CacheControl=file.cache_control,
                      ContentMD5=base64.b64encode(bytes.fromhex(file.md5)).decode("ascii"))
    return key


def delete_batches(keys: Iterable[str], size: int = DELETE_BATCH) -> Iterable[list[str]]:
    """Keys in lists of at most `size`, the most one DeleteObjects request takes."""
    batch: list[str] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_deploy(site_dir: Path, settings: DeploySettings, dry_run: bool = False, force: bool = False,
               out: Callable[[str], None] = print) -> DeployReport:
    """Upload what changed in site_dir, delete what was removed; one `out` line per action.

    Raises NewsdigestError for anything the user must fix (no bucket, no site, credentials,
    endpoint). A refused mass deletion is not raised: it is in the report (`ok` is False).
    """
    if not settings.bucket:
        raise NewsdigestError(Problem("site.toml", "no bucket to deploy to: 'deploy.bucket' is not set",
                                      'add a [deploy] table with bucket = "your-bucket-name"'))
    site = _require_site(site_dir)
    report = DeployReport(_target(settings), dry_run, max_deletes=settings.max_deletes)
    try:
        client = _client(settings)
        local = scan_site(site, settings.prefix)
        remote = _list_remote(client, settings)
        plan = plan_deploy(local, remote, None if force else settings.max_deletes)
        report.unchanged, report.remote_count = len(plan.unchanged), len(remote)
        if plan.refused:
            report.refused = list(plan.refused_deletes)
            shown = plan.refused_deletes[:10]
            for key in shown:
                out(f"refuse delete {key}")
            if len(plan.refused_deletes) > len(shown):
                out(f"... and {len(plan.refused_deletes) - len(shown)} more")
            return report
        if dry_run:
            for key in plan.uploads:
                out(f"would upload {key}")
            for key in plan.deletes:
                out(f"would delete {key}")
            report.uploaded, report.deleted = list(plan.uploads), list(plan.deletes)
            return report
        # Phase by phase, so that no page goes live before the assets it links to.
        phases: dict[int, list[str]] = {}
        for key in plan.uploads:
            phases.setdefault(_upload_phase(local[key]), []).append(key)
        with ThreadPoolExecutor(max_workers=UPLOAD_WORKERS) as pool:
            for phase in sorted(phases):
                for key in pool.map(lambda k: _upload(client, settings.bucket, k, local[k]), phases[phase]):
                    out(f"upload {key}")
                    report.uploaded.append(key)
        for batch in delete_batches(plan.deletes):
            response = client.delete_objects(Bucket=settings.bucket,
                                             Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})
            failed = {e.get("Key"): e for e in response.get("Errors", ())}
            for key in batch:
                if key not in failed:
                    out(f"delete {key}")
                    report.deleted.append(key)
            if failed:
                key, error = next(iter(failed.items()))
                raise NewsdigestError(Problem(report.target, f"could not delete {len(failed)} object(s), "
                                              f"first {key}: {error.get('Code')}: {error.get('Message')}",
                                              "check the bucket's permissions and run deploy again"))
    except NewsdigestError:
        raise
    except Exception as exc:  # botocore and file errors become one line; anything else is a bug
        raise NewsdigestError(_explain(exc, settings)) from None
    return report


def deploy_command(paths: Paths, report: Report, dry_run: bool, force: bool) -> int:
    """`deploy`: the CLI's entry; exit code 1 when a mass deletion was refused."""
    config, warnings = load_config(paths)
    report.extend(warnings)
    result = run_deploy(paths.output, config.deploy, dry_run=dry_run, force=force)
    print(result.summary())
    if not result.ok:
        print(result.refusal(), file=report.stream)
        return 1
    return 0
