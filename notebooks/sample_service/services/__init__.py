"""Business rules: pricing, placing and cancelling orders."""
