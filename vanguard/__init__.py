"""Vanguard (先锋): runs a Party committee's education campaign over its units."""
