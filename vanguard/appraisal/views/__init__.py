"""Views of 分析评议: thin — parse, call `services`, render. Access goes through
`request.scope` (vanguard.accounts.access)."""
