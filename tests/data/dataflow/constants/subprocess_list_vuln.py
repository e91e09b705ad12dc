# expect: BMB121
import subprocess

from django.http import JsonResponse


def version(request):
    return JsonResponse({"v": subprocess.check_output(request.GET["tool"], shell=True).decode()})  # sink
