"""Flask application factory for the orders API."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from sample_service import settings
from sample_service.routes import api


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        DEBUG=settings.DEBUG,
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_PATH=settings.DATABASE_PATH,
    )
    CORS(app, origins="*", supports_credentials=True)
    app.register_blueprint(api)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    app = create_app()
    app.run(debug=True, host="0.0.0.0")
