"""Every write of the care module: validated (every problem at once), in one transaction,
audited."""
