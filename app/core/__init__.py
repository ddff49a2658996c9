"""Shared building blocks: column types, state machines, audit, money, time, storage."""
