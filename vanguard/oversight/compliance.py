"""Compliance rules of this app, registered with `vanguard.campaigns.compliance.rule`."""
