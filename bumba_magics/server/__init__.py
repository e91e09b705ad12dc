"""The Jupyter server extension behind the JupyterLab sidebar: REST endpoints under ``/bumba/api/``.

Enabled on install by ``etc/jupyter/jupyter_server_config.d/bumba_magics.json``; by hand with
``jupyter server extension enable bumba_magics.server``. Options (``jupyter_server_config.py``)::

    c.ServerApp.tornado_settings = {"bumba_options": {"store_path": "...", "workers": 2}}
"""

from __future__ import annotations

from typing import Any

LABEXTENSION_NAME = "bumba-magics"


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "bumba_magics.server"}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    # used by `jupyter labextension develop`; an install gets the prebuilt files through the wheel
    return [{"src": "../labextension", "dest": LABEXTENSION_NAME}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from .handlers import BumbaState, handlers
    from .jobs import JobManager

    web_app = serverapp.web_app
    options = dict(web_app.settings.get("bumba_options") or {})
    root_dir = getattr(serverapp.contents_manager, "root_dir", None) or serverapp.root_dir
    jobs = JobManager(workers=int(options.get("workers", 2)))
    web_app.settings["bumba"] = BumbaState(root_dir, jobs, store_path=options.get("store_path"))
    web_app.add_handlers(".*$", handlers(web_app.settings["base_url"]))
    from .save_hook import pre_save_hook

    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    serverapp.log.info("bumba_magics server extension: /bumba/api/ (root %s)", root_dir)
