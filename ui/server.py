"""Start the chat server with the search engine loading at once (`make run`).

`streamlit run app.py` loads the engine only when the first visitor's page runs, so that visitor
waits for the models and the index. This starts the same server, from Streamlit's own command
line, after starting the engine's load in a thread of the same process: the page then finds it
ready (or shows "Loading the search engine…" and waits for the load already under way).

    python -m ui.server [streamlit options...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.web import cli

from retrieval import allowed_hosts_listed
from ui.live_engine import load_in_background, show_engine_log

APP = Path(__file__).resolve().parent.parent / "app.py"


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(options: list[str], environ: dict[str, str]) -> list[str]:
    """The Host names the server's websocket accepts (Streamlit's ``server.allowedHosts``), unless
    the options already set them: RETRIEVAL_ALLOWED_HOSTS (comma-separated) when given; else, for a
    server bound to loopback, the loopback names, so that a foreign page reaching 127.0.0.1 through
    DNS rebinding is refused (#33); else none (any Host: the names a network server is reached by
    are the operator's to list, and editing there needs the key anyway)."""
    if any(o.startswith("--server.allowedHosts") for o in options):
        return []
    listed = allowed_hosts_listed(environ)
    if listed:
        return listed
    address = next((options[i + 1] for i, o in enumerate(options[:-1]) if o == "--server.address"),
                   next((o.split("=", 1)[1] for o in options if o.startswith("--server.address=")), ""))
    return list(LOOPBACK_NAMES) if address in LOOPBACK_NAMES else []


def main(options: list[str]) -> None:
    show_engine_log()
    load_in_background()
    hosts = [arg for h in allowed_hosts(options, dict(os.environ)) for arg in ("--server.allowedHosts", h)]
    sys.argv = ["streamlit", "run", str(APP), *options, *hosts]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
