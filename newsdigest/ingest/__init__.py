"""Ingest: raw scraped files in, clean Markdown articles out (see docs/ingest.md).

    read (readers, decode) -> header -> clean -> dedupe -> write (pipeline)

The CLI needs only these:
    ingest_paths(inputs, paths, config) -> list[IngestResult]   `ingest PATH...`
    ingest_inbox(paths, config) -> list[IngestResult]            every build
    explain(path, paths, config) -> str                          `ingest --explain FILE`
    format_result(result, root) -> str                           one line per result
"""
from .explain import explain
from .pipeline import IngestResult, format_result, inbox_files, ingest_inbox, ingest_paths

__all__ = ["IngestResult", "explain", "format_result", "inbox_files", "ingest_inbox", "ingest_paths"]
