"""The Textual user interface: it renders core objects and sends user actions to them.

- ``app``: the App, its screens and the error dialog;
- ``screens/``: start, review, help, note editor, search, dialogs;
- ``widgets/``: the policy pane (Line API), the checklist list, the detail area, the header;
- ``commands``: command-palette providers;
- ``keys``: the key table (bindings, the help screen and the README use it);
- ``app.tcss``: the styles.
"""
