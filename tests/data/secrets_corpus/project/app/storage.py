BLOBS = (
    "DefaultEndpointsProtocol=https;AccountName=billingstore;"
    "AccountKey=@@azure_account_key@@;EndpointSuffix=core.windows.net"
)
QUEUE = ("Endpoint=sb://billing.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
         "SharedAccessKey=@@azure_sas_key@@")
