"""The web page for the month (issue 13): `appraisal serve`.

Managers upload the month's files and decide its review items, HR previews, seals and
downloads, auditors replay and run what-if: the same lifecycle as the command line
(`appraisal.drafts`, `appraisal.audit`, `appraisal.lifecycle`), for logged-in users, on
one server the company runs itself.

- `users`: the users file (names, argon2 hashes, roles, departments) and what each role
  may do.
- `auth`: login sessions (signed, HttpOnly, SameSite cookies held server-side), CSRF
  tokens, the login rate limit.
- `desk` (`desk_sealed`, `desk_read`): the month's work for a user, below HTTP; `access`:
  what they may see (a manager only their departments' employees) and do; `views`
  (`desk_views`): the plain data the API returns and the pages render.
- `app`: the FastAPI application: security headers, the upload limit, errors as the CLI
  words them (never a stack trace).
- `api`: the JSON API under ``/api``; `api_docs`: its OpenAPI page at ``/docs``, drawn on
  the server from ``/openapi.json`` (no script, no CDN).
- `pages`: the pages, rendered on the server by Jinja2 (``templates/``), with htmx
  (``static/``, vendored) for the interactive parts.
"""
