"""django-axes in front of Django's user table."""

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Counts failures and refuses locked-out logins for every web login (staff and admin
    pages pass the request). A call without a request — a management command, the test
    client's `login()` — is not a web login: it passes to the next backend uncounted."""

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
