"""A Textual hello world: the floor for a Textual app's first screen (benchmarks/first_screen.py).

python benchmarks/hello_app.py TEXT
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(" ".join(sys.argv[1:]) or "Hello, world", markup=False)


if __name__ == "__main__":
    Hello().run()
