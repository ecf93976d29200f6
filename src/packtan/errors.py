"""Errors a user can cause and fix: reported in one line, exit code 2."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, bad usage or an unreachable service. Exit code 2."""

    exit_code = 2
