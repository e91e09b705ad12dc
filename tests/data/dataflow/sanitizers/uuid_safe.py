# expect: BMB123
import uuid

from django.http import FileResponse


def invoice(request, invoice_id):
    key = uuid.UUID(invoice_id)
    return FileResponse(open(f"/srv/invoices/{key}.pdf", "rb"))  # sink
