"""Writes that touch the case records: keyword-only functions, each in one transaction."""
