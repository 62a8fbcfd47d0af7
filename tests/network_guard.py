"""Refuse and record every socket connection or name lookup that is not to loopback.

Imported first in a subprocess (see test_offline.py), so it sees everything the libraries try to do.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket

ATTEMPTS: list[str] = []
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_loopback(host) -> bool:
    if host is None:
        return True
    host = host.decode() if isinstance(host, bytes) else str(host)
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(kind: str, host, port=None) -> None:
    if not _is_loopback(host):
        ATTEMPTS.append(f"{kind} {host}:{port}")
        raise OSError(f"network guard: {kind} to {host}:{port} refused")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _address_host(address):
    if isinstance(address, tuple):
        return address[0], address[1] if len(address) > 1 else None
    return None, None  # AF_UNIX paths are local


def _connect(self, address):
    _check("connect", *_address_host(address))
    return _real_connect(self, address)


def _connect_ex(self, address):
    _check("connect", *_address_host(address))
    return _real_connect_ex(self, address)


def _getaddrinfo(host, port, *args, **kwargs):
    _check("dns", host, port)
    return _real_getaddrinfo(host, port, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.getaddrinfo = _getaddrinfo


def report(path: str | None = None) -> None:
    path = path or os.environ.get("NETWORK_GUARD_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(ATTEMPTS, fh)
