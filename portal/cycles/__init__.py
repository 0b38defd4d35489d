"""Participatory-budget cycles: their calendar, rules, categories, extensions and suspensions."""
