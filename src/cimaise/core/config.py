"""Read settings from the environment, and fail in one clear line when one is wrong.

Every setting of Cimaise comes from an environment variable with a documented
default (docs/configuration.md). A malformed value raises ``ConfigError`` whose
message names the variable and says what to fix.
"""

import contextlib
import sys
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    pass


class Env:
    def __init__(self, environ):
        self.environ = environ

    def str(self, name, default=None):
        value = self.environ.get(name)
        return default if value is None else value.strip()

    def bool(self, name, default=False):
        raw = self.environ.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise ConfigError(f"{name}={raw!r} is not a boolean: use true or false")

    def int(self, name, default, minimum=None):
        raw = self.environ.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a whole number") from None
        if minimum is not None and value < minimum:
            raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
        return value

    def list(self, name, default=()):
        raw = self.environ.get(name)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def url(self, name, schemes, default=None):
        raw = self.str(name)
        if not raw:
            return default
        parsed = urlparse(raw)
        if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
            raise ConfigError(
                f"{name} is not a valid URL: expected {' or '.join(s + '://...' for s in schemes)}"
            )
        return raw


@contextlib.contextmanager
def exit_on_config_error():
    """Turn a configuration error into one line on stderr and exit status 2."""
    try:
        yield
    except ImproperlyConfigured as error:
        print(f"cimaise: configuration error: {error}", file=sys.stderr)
        sys.exit(2)
