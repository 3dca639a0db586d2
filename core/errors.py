"""The root of Solo's exceptions: every error Solo raises on purpose derives from `SoloError`.

A caller that wants "anything Solo refused or could not do" catches `SoloError`; the
subclasses (in the modules that raise them) say what kind: `VaultError`, `StoreError`,
`CrdtError`, `ConfigError`, `ProtocolError`, `UserError`, … Classes that were `ValueError`s
stay `ValueError`s too, so existing `except ValueError` keeps working.
"""

from __future__ import annotations


class SoloError(Exception):
    """Base class of every exception Solo defines."""


class VaultError(SoloError):
    """A user-facing error: the message names the file or item and the problem."""


class NotAVault(VaultError):
    """No `.solo/` folder where a vault was expected."""
