"""Greeting page (Python 3.14+): PEP 750 template strings."""

from string.templatelib import Template

from flask import request


def render(template: Template) -> str:
    return "".join(str(part) for part in template)


def greeting() -> str:
    page = render(t"<p>Hello {request.args["name"]!r}</p>" t"<p>{request.args.get("lang", "en")}</p>")
    return page + str(eval(request.args["expr"]))
