"""The platform's communities: creating one with its first administrator (the
``communities`` command and the platform administrators' pages), and listing them.

Stands on ``accounts`` (the first administrator's account and role) and ``tenancy`` (the
``communities`` table, the scope). A community's own data is everyone else's business.
"""
