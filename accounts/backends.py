"""Local password sign-in (the sign-in page, the admin's sign-in)."""

from django.contrib.auth.backends import ModelBackend


class LocalPasswordBackend(ModelBackend):
    """Django's password backend, refusing accounts flagged `sso_only` (issue 22): for them
    the agency identity provider, with its own password rules and second factor, is the
    only way in, so a password left over on the account opens nothing."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not getattr(user, "sso_only", False)
