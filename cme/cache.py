"""A Redis cache that a Redis outage cannot turn into server errors.

The cache holds throttle counters, lockout state and a few hot rows (the provider). If Redis goes
away (a restart loses everything anyway), reads miss and writes are dropped, so requests carry on
against the database: throttles are briefly lenient rather than every request failing.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(default):
    def decorate(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("cache unavailable (%s): %s treated as a miss", type(error).__name__, method.__name__)
                return default() if callable(default) else default

        call.__name__ = method.__name__
        return call

    return decorate


class TolerantRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("cache unavailable (%s): get treated as a miss", type(error).__name__)
            return default

    get_many = _tolerant(dict)(RedisCache.get_many)
    set = _tolerant(None)(RedisCache.set)
    set_many = _tolerant(list)(RedisCache.set_many)
    add = _tolerant(False)(RedisCache.add)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    incr = _tolerant(0)(RedisCache.incr)
    touch = _tolerant(False)(RedisCache.touch)
    has_key = _tolerant(False)(RedisCache.has_key)
