"""Exports and printable forms: one place renders Excel and PDF; modules yield rows or
fill a print template."""
