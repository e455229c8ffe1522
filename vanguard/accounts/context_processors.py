from typing import Any


def scope(request: Any) -> dict[str, Any]:
    return {"scope": getattr(request, "scope", None)}
