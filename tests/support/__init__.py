"""Helpers the tests share: generated corpora, site checks, the browser, child processes, scoring."""
