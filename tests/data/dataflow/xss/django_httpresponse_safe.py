# expect: BMB125  # generated
from django.http import JsonResponse
from django.http import HttpResponse
from django.utils.html import escape


def item_view(request):
    value = request.GET.get("q", "")
    return HttpResponse(f"<p>{escape(value)}</p>")  # sink
