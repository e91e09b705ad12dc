# expect: BMB135  # generated
from django.http import JsonResponse


def item_view(request):
    value = request.GET.get("q", "")
    n = int(value or 0)
    result = sum(i * i for i in range(n))  # sink
    return JsonResponse({"result": str(result)})
