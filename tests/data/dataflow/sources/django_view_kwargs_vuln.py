# expect: BMB121
import os

from django.views.generic import TemplateView


class BranchView(TemplateView):
    template_name = "branch.html"

    def get_context_data(self, **kwargs):
        branch = self.kwargs["branch"]
        return {"log": os.popen("git log " + branch).read()}  # sink
