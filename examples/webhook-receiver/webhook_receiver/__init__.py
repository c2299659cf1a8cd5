"""webhook-receiver: payment-provider webhooks in, merchant deliveries out."""

__version__ = "0.4.2"
