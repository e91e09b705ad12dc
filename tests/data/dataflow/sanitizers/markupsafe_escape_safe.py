# expect: BMB125
from django.http import HttpResponse
from markupsafe import escape


def greet(request):
    name = escape(request.GET.get("name", ""))
    return HttpResponse("<h1>Hello " + name + "</h1>")  # sink
