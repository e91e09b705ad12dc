# expect: BMB125  # generated
from django.http import JsonResponse
from django.http import HttpResponse


def item_view(request):
    value = request.GET.get("q", "")
    return HttpResponse(value, content_type="text/plain")  # sink
