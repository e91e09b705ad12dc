# expect: BMB123
import uuid

from django.http import FileResponse


def invoice(request, invoice_id):
    return FileResponse(open(f"/srv/invoices/{invoice_id}.pdf", "rb"))  # sink
