"""Enrichment: who (actors) and what (topics) each article is about."""
