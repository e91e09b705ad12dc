"""A progress bar for long reviews: files done of all, and the file being read."""

from __future__ import annotations

import ipywidgets as w
from IPython.display import display


class ProgressView:
    """Files done / total and the current file, as a progress bar that disappears when the work is done.

    The widgets are created on the first update that is worth showing, so a small review leaves nothing
    behind in the notebook.
    """

    MIN_FILES = 25  # small reviews finish before a progress bar would be readable

    def __init__(self) -> None:
        self.bar: w.IntProgress | None = None
        self.label: w.Label | None = None
        self.box: w.HBox | None = None
        self.handle = None

    def __call__(self, done: int, total: int, current: str) -> None:
        if total < self.MIN_FILES:
            return
        if self.box is None:
            self.bar = w.IntProgress(min=0, max=max(total, 1), value=0, layout=w.Layout(width="300px"))
            self.label = w.Label()
            self.box = w.HBox([w.Label("bumba:"), self.bar, self.label], layout=w.Layout(align_items="center"))
            self.box.add_class("bumba-w-progress")
        self.bar.max = max(total, 1)
        self.bar.value = min(done, total)
        self.label.value = f"{done}/{total} files  {current}"
        if self.handle is None:
            self.handle = display(self.box, display_id=True)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": ""}, raw=True)
        if self.box is not None:
            for widget in (*self.box.children, self.box):
                widget.close()
