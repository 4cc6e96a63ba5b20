"""The page helpers of tests/web (signing in through the real login form)."""
from tests.web.conftest import csrf, login, post_form  # noqa: F401 - fixtures
