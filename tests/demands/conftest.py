"""Demands share the challenge tests' fixtures (a bureau user, an issuing enterprise):
a demand becomes a challenge when it is accepted."""
from tests.challenges.conftest import bureau, enterprise  # noqa: F401  (fixtures)
