"""Start the chat server with the search engine loading at once (`make run`).

`streamlit run app.py` loads the engine only when the first visitor's page runs, so that visitor
waits for the models and the index. This starts the same server, from Streamlit's own command
line, after starting the engine's load in a thread of the same process: the page then finds it
ready (or shows "Loading the search engine…" and waits for the load already under way).

    python -m ui.server [streamlit options...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

from ui.live_engine import load_in_background, show_engine_log

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(options: list[str]) -> None:
    show_engine_log()
    load_in_background()
    sys.argv = ["streamlit", "run", str(APP), *options]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
