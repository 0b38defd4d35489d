"""Serve the portal for the browser tests: ``python -m tests.e2e.serve``.

The configuration comes from the environment as in any deployment (``PORTAL_ENV``,
``PORTAL_INSTANCE``, ``DATABASE_URL``...), except the password hashes: cheap argon2
parameters, as in every test app (the password rules are tested on their own), so that
signing in costs the browser tests no seconds. The server binds 127.0.0.1 on a free port and
prints that port as its first line of output, so the test that started it knows where to go.
"""

from __future__ import annotations

import os

from werkzeug.serving import make_server

from portal import create_app


def main() -> None:
    app = create_app(None, {"FAST_PASSWORD_HASHES": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Links in mail lead back to this server, whose port is known only now.
    if not os.environ.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
