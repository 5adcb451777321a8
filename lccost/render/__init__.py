"""Presentation: tables (rich, imported lazily), JSON, CSV and Markdown. No arithmetic here."""
