# expect: BMB121
import os

from django.http import JsonResponse
from django.views import View


class ExportView(View):
    def get(self, request, *args, **kwargs):
        fmt = self.request.GET.get("format", "csv")
        os.system("export-data --format " + fmt)  # sink
        return JsonResponse({"ok": True})
