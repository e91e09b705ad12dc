# expect: BMB121  # generated
from django.http import JsonResponse
import subprocess


def item_view(request):
    value = request.GET.get("q", "")
    result = subprocess.run(["ls", "-l", value], capture_output=True).stdout  # sink
    return JsonResponse({"result": str(result)})
