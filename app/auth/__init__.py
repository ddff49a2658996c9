"""Users, roles, organisations and login."""
