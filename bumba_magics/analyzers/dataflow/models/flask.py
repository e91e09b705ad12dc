"""Flask and Werkzeug: the request's data, route parameters, responses, redirects, files and the session."""

from .schema import ALL, Alias, Handler, NoReturn, Returns, Sanitizer, Sink, Source, StoreSink

_REQUEST_DATA = ("args", "form", "values", "cookies", "headers", "json", "data", "files", "view_args",
                 "path", "full_path", "url", "base_url", "query_string", "referrer", "user_agent", "stream",
                 "host", "authorization", "mimetype_params", "access_route")
_VERBS = ("route", "get", "post", "put", "patch", "delete")

MODELS = [
    *(Source(f"flask.request.{name}", f"request.{name}") for name in _REQUEST_DATA),
    Source("flask.request.get_json", "request.get_json()", call=True),
    Source("flask.request.get_data", "request.get_data()", call=True),
    Alias("flask.globals.request", "flask.request"),
    Alias("werkzeug.local.request", "flask.request"),
    # route handlers: their parameters are the URL's <variables>; a string they return is an HTML page
    *(Handler(f"flask.Flask.{verb}", "flask", returns_html=True) for verb in _VERBS),
    *(Handler(f"flask.Blueprint.{verb}", "flask", returns_html=True) for verb in _VERBS),
    Handler("flask.views.MethodView", "flask-view", via="base", methods=("get", "post", "put", "patch",
                                                                         "delete"), returns_html=True),
    Handler("flask.views.View", "flask-view", via="base", methods=("dispatch_request",), returns_html=True),
    Returns("flask.Flask", "flask.Flask"),
    Returns("flask.Blueprint", "flask.Blueprint"),
    Alias("flask.app.Flask", "flask.Flask"),
    Alias("flask.blueprints.Blueprint", "flask.Blueprint"),
    # responses
    Returns("flask.make_response", "flask.Response"),
    Returns("flask.Response", "flask.Response"),
    Returns("flask.jsonify", "flask.JSONResponse"),
    Sanitizer("flask.jsonify", frozenset({"xss"})),
    Returns("flask.Response.headers", "flask.Response.headers", attribute=True),
    Alias("werkzeug.wrappers.Response", "flask.Response"),
    Alias("werkzeug.Response", "flask.Response"),
    Alias("flask.wrappers.Response", "flask.Response"),
    Sink("flask.make_response", "xss", args=(0,)),
    Sink("flask.Response", "xss", args=(0, "response"), when="html"),
    Sink("flask.render_template_string", "xss", args=(0, "source")),
    Sink("flask.Response.set_data", "xss", args=(0,)),
    StoreSink("flask.Response.headers", "header"),
    Sink("flask.Response.headers.add", "header", args=(1,)),
    Sink("flask.Response.headers.set", "header", args=(1,)),
    Sink("flask.Response.headers.setdefault", "header", args=(1,)),
    Sink("flask.Response", "header", args=("headers",)),
    # redirects, files
    Sink("flask.redirect", "redirect", args=(0, "location")),
    Alias("werkzeug.utils.redirect", "flask.redirect"),
    Sink("flask.send_file", "path", args=(0, "path_or_file")),
    Alias("werkzeug.utils.send_file", "flask.send_file"),
    # send_from_directory joins the file name safely; the directory must not come from the request
    Sink("flask.send_from_directory", "path", args=(0, "directory")),
    Alias("werkzeug.utils.send_from_directory", "flask.send_from_directory"),
    # the session is signed: what is stored there is trusted on the next request
    StoreSink("flask.session", "trust"),
    Sink("flask.session.update", "trust", args=("*",)),
    Sink("flask.session.setdefault", "trust", args=(1,)),
    Sanitizer("werkzeug.utils.secure_filename", frozenset({"path", "command", "xss", "header"})),
    Sanitizer("flask.escape", frozenset({"xss", "header"})),
    Sanitizer("flask.url_for", ALL - {"xss"}),
    NoReturn("flask.abort"),
    NoReturn("werkzeug.exceptions.abort"),
]
