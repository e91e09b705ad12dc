# expect: BMB121  # generated
from django.http import JsonResponse
import os


def item_view(request):
    value = request.GET.get("q", "")
    result = os.popen("grep %s /var/log/app.log" % value).read()  # sink
    return JsonResponse({"result": str(result)})
