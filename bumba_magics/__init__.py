"""bumba_magics: a backend engineer that lives in the notebook.

``%load_ext bumba_magics`` registers ``%bumba`` / ``%%bumba``.
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    from .magics import BumbaMagics

    ipython.register_magics(BumbaMagics(shell=ipython))


def unload_ipython_extension(ipython):  # IPython keeps no handle we need to drop
    pass
