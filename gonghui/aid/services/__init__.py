"""Every write of the aid app, one module per area: plans and enrollment, claims, relief,
payout batches."""
