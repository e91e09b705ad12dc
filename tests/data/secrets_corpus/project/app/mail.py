from sendgrid import SendGridAPIClient
from twilio.rest import Client

mailer = SendGridAPIClient("@@sendgrid@@")
MAILGUN = "@@mailgun@@"
twilio = Client("@@twilio_sid@@", "@@twilio_token@@")
twilio_keyed = Client("@@twilio_key_sid@@", account_sid="@@twilio_sid@@")
