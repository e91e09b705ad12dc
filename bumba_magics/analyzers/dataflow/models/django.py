"""Django (and Django REST framework): the request of a view, the URL's keyword arguments, raw SQL,
responses, redirects and the session."""

from .schema import (
                 ALL,
                 Alias,
                 ClassField,
                 Guard,
                 Handler,
                 Returns,
                 Sanitizer,
                 Sink,
                 Source,
                 StoreSink,
                 TypedParam,
)

_REQ = "django.http.HttpRequest"
_REQUEST_DATA = ("GET", "POST", "COOKIES", "META", "body", "FILES", "headers", "path", "path_info", "data",
                 "query_params", "content_params")
_VIEW_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "dispatch", "form_valid",
                 "get_queryset", "get_context_data", "get_object")

MODELS = [
    *(Source(f"{_REQ}.{name}", f"request.{name}") for name in _REQUEST_DATA),
    Source(f"{_REQ}.get_full_path", "request.get_full_path()", call=True),
    Source(f"{_REQ}.build_absolute_uri", "request.build_absolute_uri()", call=True),
    Source(f"{_REQ}.read", "request.read()", call=True),
    Source(f"{_REQ}.get_host", "request.get_host()", call=True),
    Alias("django.core.handlers.wsgi.WSGIRequest", _REQ),
    Alias("rest_framework.request.Request", _REQ),
    # function views: a first parameter called `request` in a module that uses Django; the other
    # parameters are the URL's captured values
    Handler("django", "django", via="module"),
    Handler("rest_framework.decorators.api_view", "django"),
    TypedParam("django", _REQ, name="request"),
    TypedParam("django", _REQ, annotation=_REQ),
    Handler("django.views.*", "django-view", via="base", methods=_VIEW_METHODS),
    Handler("rest_framework.*", "django-view", via="base", methods=_VIEW_METHODS + ("list", "retrieve",
                                                                                 "create", "update",
                                                                                 "partial_update",
                                                                                 "destroy")),
    ClassField("django.views.*", "request", type=_REQ),
    ClassField("django.views.*", "kwargs", source="URL keyword arguments"),
    ClassField("django.views.*", "args", source="URL arguments"),
    ClassField("rest_framework.*", "request", type=_REQ),
    ClassField("rest_framework.*", "kwargs", source="URL keyword arguments"),
    # the session is trusted on the next request
    Returns(f"{_REQ}.session", "django.contrib.sessions.SessionBase", attribute=True),
    StoreSink("django.contrib.sessions.SessionBase", "trust"),
    Sink("django.contrib.sessions.SessionBase.update", "trust", args=("*",)),
    Sink("django.contrib.sessions.SessionBase.setdefault", "trust", args=(1,)),
    # responses: the body is HTML unless the content type says otherwise
    Sink("django.http.HttpResponse", "xss", args=(0, "content"), when="html"),
    Sink("django.http.HttpResponseBadRequest", "xss", args=(0, "content"), when="html"),
    Sink("django.http.HttpResponseNotFound", "xss", args=(0, "content"), when="html"),
    Sink("django.utils.safestring.mark_safe", "xss", args=(0,)),
    Sink("django.utils.safestring.SafeString", "xss", args=(0,)),
    Sink("django.utils.html.format_html", "xss", args=(0, "format_string")),
    Sink("django.template.Template", "xss", args=(0, "template_string")),
    Returns("django.http.HttpResponse", "django.http.HttpResponse"),
    Returns("django.shortcuts.render", "django.http.HttpResponse"),
    Alias("django.http.response.HttpResponse", "django.http.HttpResponse"),
    Sanitizer("django.http.JsonResponse", frozenset({"xss"})),
    Sanitizer("django.utils.html.escape", frozenset({"xss", "header"})),
    Sanitizer("django.utils.html.conditional_escape", frozenset({"xss", "header"})),
    Sanitizer("django.utils.html.strip_tags", frozenset({"xss"})),
    Sanitizer("django.utils.html.format_html", frozenset({"xss"})),
    StoreSink("django.http.HttpResponse", "header"),
    Sink("django.http.HttpResponse.headers.__setitem__", "header", args=(1,)),
    Sink("django.http.HttpResponse.setdefault", "header", args=(1,)),
    # redirects
    Sink("django.shortcuts.redirect", "redirect", args=(0, "to")),
    Sink("django.http.HttpResponseRedirect", "redirect", args=(0, "redirect_to")),
    Sink("django.http.HttpResponsePermanentRedirect", "redirect", args=(0, "redirect_to")),
    Guard("django.utils.http.url_has_allowed_host_and_scheme", frozenset({"redirect", "ssrf"}), arg=0),
    Guard("django.utils.http.is_safe_url", frozenset({"redirect", "ssrf"}), arg=0),
    # raw SQL
    Sink("*.raw", "sql", args=(0, "raw_query")),
    Sink("*.extra", "sql", args=("select", "where", "tables", "order_by")),
    Sink("django.db.models.expressions.RawSQL", "sql", args=(0, "sql")),
    Alias("django.db.models.RawSQL", "django.db.models.expressions.RawSQL"),
    Sink("django.http.FileResponse", "path", args=()),
    Sanitizer("django.utils._os.safe_join", frozenset({"path"})),
    Sanitizer("django.utils.text.get_valid_filename", frozenset({"path", "command"})),
    Sanitizer("django.shortcuts.get_object_or_404", ALL),
    # templates escape what they interpolate
    Sanitizer("django.template.loader.render_to_string", frozenset({"xss"})),
    Sanitizer("*.render", frozenset({"xss"})),
]
