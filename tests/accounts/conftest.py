import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password for every person; the real hasher makes big lists slow to build."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
