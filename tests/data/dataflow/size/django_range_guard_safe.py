# expect: BMB135  # generated
from django.http import JsonResponse


def item_view(request):
    value = request.GET.get("q", "")
    n = int(value or 0)
    if n > 1000:
        n = 1000
    result = sum(i * i for i in range(n))  # sink
    return JsonResponse({"result": str(result)})
