"""The client's address, through the reverse proxies the deployment trusts (for rate limits and the audit log)."""

from __future__ import annotations

import ipaddress

from aiohttp import web

from presentai.entrypoints.http.keys import CONTAINER


def client_address(request: web.Request) -> str:
    """The address of whoever sent the request.

    Behind trusted proxies (``PRESENTAI_TRUSTED_PROXIES``), X-Forwarded-For is read from the right
    and the first address that is not a trusted proxy is the client; anything further left was
    written by the client and could be forged. Without trusted proxies the header is ignored.
    """
    remote = request.remote or ""
    networks = request.app[CONTAINER].settings().trusted_proxy_networks
    if not networks or not _within(remote, networks):
        return remote
    hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop if _parses(hop) else remote
    return hops[0] if hops and _parses(hops[0]) else remote


def _parses(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _within(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
