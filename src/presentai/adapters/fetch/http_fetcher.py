"""HttpUrlFetcher: a download that cannot be pointed at the service's own network (SSRF).

Every address a host name resolves to is checked before a connection is made, and the connection
goes to exactly the addresses that passed (the resolver hands aiohttp only those), so a DNS answer
that changes between the check and the connection cannot slip through. Redirects are followed by
hand, one hop at a time, each hop checked like the first.
"""

from __future__ import annotations

import ipaddress
import posixpath
import socket
from collections.abc import Iterable
from email.message import Message
from typing import Any
from urllib.parse import unquote

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from presentai.domain.errors import FileTooLarge, ValidationFailed
from presentai.domain.sources import megabytes
from presentai.ports.fetching import FetchedFile

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Not covered by the ``is_*`` flags of the ipaddress module on every Python we support.
_ALSO_BLOCKED = tuple(
    ipaddress.ip_network(n)
    for n in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "fd00:ec2::254/128", "64:ff9b::/96")
)


def _refused(url: str, why: str) -> ValidationFailed:
    return ValidationFailed(f"cannot import {url}: {why}", {"url": why})


class _Blocked(OSError):
    """Raised inside the resolver; turned into a ``ValidationFailed`` by the fetcher."""


class HttpUrlFetcher:
    """Fetch http(s) URLs with size, time and redirect limits; private networks only when allowed."""

    def __init__(
        self,
        *,
        max_bytes: int,
        timeout_s: float = 30.0,
        max_redirects: int = 5,
        allowed_networks: Iterable[str] = (),
    ) -> None:
        self._max_bytes = max_bytes
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, sock_connect=min(timeout_s, 10.0))
        self._max_redirects = max_redirects
        self._allowed: tuple[IpNetwork, ...] = tuple(
            ipaddress.ip_network(n.strip(), strict=False) for n in allowed_networks if n.strip()
        )

    def permits(self, address: IpAddress) -> bool:
        """Whether a connection to ``address`` is allowed."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self._allowed):
            return True
        return address.is_global and not address.is_multicast and not any(address in n for n in _ALSO_BLOCKED)

    async def fetch(self, url: str) -> FetchedFile:
        """Download ``url`` (following checked redirects) and name the file."""
        resolver = _CheckingResolver(self)
        connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False, limit=1)
        async with aiohttp.ClientSession(connector=connector, timeout=self._timeout) as session:
            current = self._check(url)
            for _ in range(self._max_redirects + 1):
                try:
                    async with session.get(current, allow_redirects=False) as response:
                        if response.status in _REDIRECTS and "Location" in response.headers:
                            current = self._check(str(current.join(URL(response.headers["Location"]))))
                            continue
                        if response.status >= 400:
                            raise _refused(url, f"the server answered HTTP {response.status}")
                        data = await self._read(response, url)
                        return FetchedFile(str(current), _filename(response, current), data)
                except _Blocked as error:
                    raise _refused(url, str(error)) from None
                except aiohttp.ClientConnectorError as error:
                    if isinstance(error.os_error, _Blocked):
                        raise _refused(url, str(error.os_error)) from None
                    raise _refused(url, f"could not connect to {current.host}") from None
                except TimeoutError:
                    raise _refused(url, "the server took too long to answer") from None
                except aiohttp.ClientError as error:
                    raise _refused(url, f"the download failed ({type(error).__name__})") from None
            raise _refused(url, f"more than {self._max_redirects} redirects")

    def _check(self, url: str) -> URL:
        try:
            parsed = URL(url)
        except (ValueError, TypeError):
            raise _refused(url, "not a valid URL") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise _refused(url, "only http and https addresses can be imported")
        try:
            literal: IpAddress | None = ipaddress.ip_address(parsed.host.strip("[]"))
        except ValueError:
            literal = None
        # aiohttp connects to an IP literal without asking the resolver, so literals are checked here.
        if literal is not None and not self.permits(literal):
            raise _refused(url, "the address is private, loopback, link-local or reserved")
        return parsed

    async def _read(self, response: aiohttp.ClientResponse, url: str) -> bytes:
        limit = self._max_bytes
        if response.content_length is not None and response.content_length > limit:
            raise FileTooLarge(f"{url} is over the {megabytes(limit)} limit", url, limit)
        data = bytearray()
        async for chunk in response.content.iter_chunked(2**16):
            data += chunk
            if len(data) > limit:
                raise FileTooLarge(f"{url} is over the {megabytes(limit)} limit", url, limit)
        return bytes(data)


class _CheckingResolver(AbstractResolver):
    """Resolves like the system does, then keeps only the addresses the fetcher permits."""

    def __init__(self, fetcher: HttpUrlFetcher) -> None:
        self._fetcher = fetcher
        self._inner = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> Any:
        try:
            found: list[ResolveResult] = await self._inner.resolve(host, port, family)
        except OSError as error:
            raise _Blocked(f"the host {host} could not be resolved") from error
        allowed = [r for r in found if self._fetcher.permits(ipaddress.ip_address(r["host"]))]
        if not allowed:
            raise _Blocked(f"{host} resolves to a private, loopback, link-local or reserved address")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


def _filename(response: aiohttp.ClientResponse, url: URL) -> str:
    disposition = response.headers.get("Content-Disposition", "")
    if disposition:
        message = Message()
        message["Content-Disposition"] = disposition
        name = message.get_filename()
        if name:
            return posixpath.basename(name.replace("\\", "/")) or "download"
    return posixpath.basename(unquote(url.path)) or url.host or "download"
