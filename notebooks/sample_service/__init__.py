"""Orders service for the shop: catalogue, orders, pricing and the reports the team reads.

Submodules are imported on demand so the data side (``db``, ``services``, ``reports``) works in a
notebook without the web stack installed.
"""

__version__ = "1.4.2"
