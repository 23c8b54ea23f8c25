"""Token authentication that keeps the signed-in user (with roles) in the shared cache.

A check-in burst before grand rounds authenticates the same few hundred tokens over and over; each
hit saves the token and role queries. The entry is dropped when the token is revoked, the user is
saved, or their groups change, and it lives at most TOKEN_CACHE_SECONDS in any case.
"""

from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

TOKEN_CACHE_SECONDS = 60


def _token_key(key: str) -> str:
    return f"auth-token:{key}"


def _user_key(user_id: int) -> str:
    return f"auth-token-of:{user_id}"


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user = cache.get(_token_key(key))
        if user is None:
            try:
                token = Token.objects.select_related("user").get(key=key)
            except Token.DoesNotExist as error:
                raise exceptions.AuthenticationFailed("Invalid token.") from error
            user = token.user
            if not user.is_active:
                raise exceptions.AuthenticationFailed("User inactive or deleted.")
            user.roles  # noqa: B018 - computed now so the cached user carries them
            cache.set_many({_token_key(key): user, _user_key(user.pk): key}, TOKEN_CACHE_SECONDS)
        return user, key


def forget_user(user_id: int) -> None:
    """Drop the cached sign-in of a user (their token revoked, profile or roles changed)."""
    key = cache.get(_user_key(user_id))
    if key:
        cache.delete_many([_token_key(key), _user_key(user_id)])


def forget_user_on_save(sender, instance, **kwargs):
    forget_user(instance.pk)


def forget_token_owner(sender, instance, **kwargs):
    forget_user(instance.user_id)


def forget_group_members(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if reverse:  # group.user_set changed: every user named, or all of them for a clear
        for user_id in pk_set or instance.user_set.values_list("pk", flat=True):
            forget_user(user_id)
    else:
        forget_user(instance.pk)
