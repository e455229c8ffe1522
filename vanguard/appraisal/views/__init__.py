"""Views of 分析评议: thin — parse, call `services`, render. Access goes through
`request.scope`, via `vanguard.appraisal.permissions`."""
