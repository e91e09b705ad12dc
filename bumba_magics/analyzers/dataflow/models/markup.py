"""MarkupSafe and Jinja2: marking text as safe HTML, escaping, and templates built from a string."""

from .schema import Returns, Sanitizer, Sink

MODELS = [
    Sink("markupsafe.Markup", "xss", args=(0,)),
    Sink("jinja2.Markup", "xss", args=(0,)),
    Sink("flask.Markup", "xss", args=(0,)),
    Sink("jinja2.Template", "xss", args=(0, "source")),
    Sink("jinja2.Environment.from_string", "xss", args=(0, "source")),
    # Markup's own formatting escapes what it puts in
    Returns("markupsafe.Markup", "markupsafe.Markup"),
    Sanitizer("markupsafe.Markup.format", frozenset({"xss"})),
    Sanitizer("markupsafe.escape", frozenset({"xss", "header"})),
    Sanitizer("markupsafe.Markup.escape", frozenset({"xss", "header"})),
    Sanitizer("jinja2.escape", frozenset({"xss", "header"})),
    Sanitizer("bleach.clean", frozenset({"xss"})),
    Sanitizer("nh3.clean", frozenset({"xss"})),
]
