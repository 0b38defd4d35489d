"""Builders of test data, one module per part of the portal, for tests of every kind.

* ``accounts``: ``make_user`` (an account with roles, confirmed, verified or not) and
  ``verify`` (an in-person verification), with the one test ``PASSWORD``;
* ``cycles``: ``cycle_data`` and ``make_cycle`` (a cycle in any phase, through the cycles
  services, with the categories asked for);
* ``projects``: ``make_project`` (a project in any status, built directly) and
  ``bulk_projects`` (thousands, inserted at once);
* ``review``: ``seat_commission`` and ``held_meeting``;
* ``voting``: ``make_voting_cycle`` (``make_cycle`` with the vote open or just closed),
  ``close_voting`` and ``make_vote`` (a closed vote, ready to be counted);
* ``programs``: ``make_program`` and ``plan``;
* ``discussion``: ``make_comment`` (a comment or a reply, hidden by moderation if asked);
* ``audit``: ``build_chain`` (events and signed checkpoints) and the tamperings that
  ``audit verify`` names (``truncate``, ``rewrite_and_rehash``, ``swap``,
  ``forge_checkpoint``...).
* ``files``, files to upload (bytes, no session): ``pdf`` and ``one_page_pdf`` (written
  by hand, names escaped, objects packed in streams), ``png`` (any declared size, depth
  and colour type; bombs) and ``image`` (a Pillow image saved in a format).

Every other builder takes the session first, flushes and never commits, and needs no app or
request context; the caller decides what the rows live in (a test's rolled-back
transaction, a module's, a live server's database).
"""
