"""What a file argument may reach: local files inside allowed folders, URLs of public hosts.

Plans come from an LLM that reads user text, so a file argument is untrusted input.

* :class:`FilePolicy`: a local path is used only when, with every symlink followed, it lies
  inside an allowed folder (the working folder, the session's folder,
  ``Settings.allowed_dirs``) or is one of the files the user gave, and is a regular file (no
  device, FIFO, socket or folder). ``..`` and symlinks cannot lead out.
* :class:`URLPolicy`: a URL is fetched only over http(s), without credentials in it, from a host
  whose every address is public (loopback, private, link-local, multicast, reserved and other
  special-purpose addresses are refused, IPv4 hidden in IPv6 included) unless
  ``Settings.allowed_hosts`` lists the host name, the address or its network. The address checked
  is the address connected to (:class:`Target` pins it), so DNS cannot change its answer in
  between. Responses must have an allowed content type (``Settings.download_content_types``).

Pure checks plus name resolution; :mod:`hugginggpt_tools.inputs` applies them.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import urlsplit, urlunsplit

from .errors import InputError
from .redaction import redact

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_CONTENT_TYPES: tuple[str, ...] = (
    "image/", "audio/", "video/", "text/plain", "text/csv", "text/tab-separated-values",
    "application/octet-stream", "application/pdf", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.apache.parquet",
    "application/x-parquet", "application/ogg",
)
"""Content types a download may have (an entry ending in ``/`` is a prefix; ``*`` allows all)."""

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SPECIAL = tuple(ipaddress.ip_network(n) for n in ("192.0.0.0/24", "192.88.99.0/24", "64:ff9b:1::/48", "fec0::/10"))
"""Special-purpose networks some Python versions still call global (IETF protocol assignments,
the 6to4 relay anycast, local-use NAT64, deprecated site-local)."""
_KINDS = (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_multicast", "multicast"),
          ("is_unspecified", "unspecified"), ("is_private", "private"), ("is_reserved", "reserved"))
_HOSTS_FIX = ("If you trust this host, add it (or its address or network) to HUGGINGGPT_ALLOWED_HOSTS "
              "(Settings.allowed_hosts); otherwise download the file yourself and pass its path.")


def not_an_upload(name: str, path: str | Path | None = None) -> str:
    """Why a served request's input file ``name`` is refused, with the fix (the guard's 400 and
    the plan's ``missing`` line for another session's output the pipeline meets).

    ``path`` is the file ``name`` stands for when the caller resolved it (a relative name in the
    uploads folder, a download URL); else ``name`` itself. When that is a file a run wrote (listed
    in its session folder's manifest, :func:`~hugginggpt_tools.artifacts.is_session_output`), the
    request is in another session than the one that made it, and the message says to send the
    same ``X-Session-Id`` header; it names only what the caller sent, no other session's id,
    path or content. Anything else is "not an upload"."""
    from .artifacts import is_session_output

    if is_session_output(name if path is None else path):
        return redact(f"input file {name!r} is an output of another session: send the same X-Session-Id header "
                      "(and API key) as the request that made it, or upload the file with POST /files and pass "
                      "the returned path in 'files'")
    return redact(f"input file {name!r} is not an upload: upload it with POST /files and pass the "
                  "returned path in 'files'")


# ----------------------------------------------------------------------------- addresses


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(address: str | IPAddress) -> str | None:
    """Why ``address`` is not a public internet address (``"loopback"``, ``"private"``, ...), or None."""
    ip = ipaddress.ip_address(str(address).split("%")[0]) if isinstance(address, str) else address
    inner = _embedded_ipv4(ip)
    if inner is not None:
        problem = address_problem(inner)
        if problem:
            return f"{problem} (IPv4 {inner} inside IPv6)"
    for attr, word in _KINDS:
        if getattr(ip, attr):
            return word
    if not ip.is_global or any(ip.version == n.version and ip in n for n in _SPECIAL):
        return "non-global (shared or special-purpose)"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IP literals, also decimal or hex ones, included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise InputError(f"Cannot resolve the host {host!r}: {exc}. Check the URL.") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _parse_allowed(entries: Iterable[str]) -> tuple[frozenset[str], tuple[Network, ...], bool]:
    """Host names, networks (an address is a /32 or /128) and whether ``*`` allows everything."""
    names: set[str] = set()
    nets: list[Network] = []
    for raw in entries:
        entry = raw.strip().lower().strip("[]")
        if not entry:
            continue
        try:
            nets.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), tuple(nets), "*" in names


# ----------------------------------------------------------------------------- URLs


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to.

    ``request_url`` names the pinned address; send ``host_header`` as ``Host`` and, for https,
    ``host`` as the TLS server name (httpx: ``extensions={"sni_hostname": host}``), so the
    certificate is still checked against the host name.
    """

    url: str
    host: str
    address: str
    request_url: str
    host_header: str


def check_url_syntax(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an http(s) URL; :class:`InputError` for anything else."""
    from .inputs import url_scheme

    scheme = url_scheme(url)
    if scheme not in ALLOWED_SCHEMES:
        raise InputError(
            f"Refusing to fetch {redact(url)!r}: only http:// and https:// URLs are downloaded (got scheme "
            f"{scheme!r}). Give an http(s) URL or the path of a local file."
        )
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise InputError(f"The URL {redact(url)!r} is malformed ({exc}). Give a full URL such as "
                         "https://example.com/cat.jpg.") from exc
    if not host:
        raise InputError(f"The URL {redact(url)!r} has no host name. Give a full URL such as https://example.com/cat.jpg.")
    if parts.username is not None or parts.password is not None:
        raise InputError(f"Refusing to fetch {redact(url)!r}: URLs with a user name or password are not downloaded. "
                         "Download the file yourself and pass its path.")
    if any(ord(c) < 33 or c in "\\" for c in parts.netloc):
        raise InputError(f"The URL {redact(url)!r} has spaces, control characters or backslashes in its host part.")
    return scheme, host, port or (443 if scheme == "https" else 80)


@dataclass(frozen=True)
class URLPolicy:
    """Which URLs :func:`~hugginggpt_tools.inputs.download` may fetch.

    Args:
        allowed_hosts: host names, addresses or networks (``"files.internal"``, ``"127.0.0.1"``,
            ``"10.0.0.0/8"``) allowed although not public; ``"*"`` allows every host.
        content_types: allowed response content types (see :data:`DEFAULT_CONTENT_TYPES`).
        resolver: ``(host, port) -> addresses`` (tests pass a fake).
    """

    allowed_hosts: tuple[str, ...] = ()
    content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    resolver: Callable[[str, int], list[str]] = field(default=resolve_host, compare=False)

    @classmethod
    def from_settings(cls, settings: "Settings") -> "URLPolicy":
        return cls(tuple(settings.allowed_hosts), tuple(settings.download_content_types))

    def target(self, url: str) -> Target:
        """Check ``url`` and its host's every address; the :class:`Target` to connect to."""
        scheme, host, port = check_url_syntax(url)
        names, nets, everything = _parse_allowed(self.allowed_hosts)
        addresses = self.resolver(host, port)
        if not addresses:
            raise InputError(f"The host of {redact(url)!r} resolves to no address. Check the URL.")
        if not everything and host.lower().rstrip(".") not in names:
            for address in addresses:
                ip = ipaddress.ip_address(address.split("%")[0])
                problem = address_problem(ip)
                if problem and not any(ip.version == n.version and ip in n for n in nets):
                    raise InputError(f"Refusing to fetch {redact(url)!r}: its host {host!r} resolves to {address}, a "
                                     f"{problem} address. {_HOSTS_FIX}")
        return _pinned(url, scheme, host, port, addresses[0])

    def check_content_type(self, url: str, content_type: str) -> None:
        """Refuse a response whose content type is not allowed (an HTML page, JSON, a script, ...)."""
        kind = content_type.split(";")[0].strip().lower()
        allowed = self.content_types
        if not kind or "*" in allowed or any(kind == a or (a.endswith("/") and kind.startswith(a)) for a in allowed):
            return
        hint = " (a web page: give the direct link to the file)" if "html" in kind else ""
        raise InputError(f"Refusing {redact(url)!r}: it answered with content type {kind!r}{hint}; allowed types: "
                         f"{', '.join(allowed)}. Set HUGGINGGPT_DOWNLOAD_CONTENT_TYPES to allow others.")


def _pinned(url: str, scheme: str, host: str, port: int, address: str) -> Target:
    parts = urlsplit(url.strip())
    shown = f"[{address}]" if ":" in address else address
    default = 443 if scheme == "https" else 80
    netloc = shown if parts.port is None else f"{shown}:{port}"
    host_header = (f"[{host}]" if ":" in host else host) + ("" if port == default else f":{port}")
    request_url = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return Target(url=url, host=host, address=address, request_url=request_url, host_header=host_header)


# ----------------------------------------------------------------------------- local files


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(os.path.expanduser(str(path))))


GIVE_FILE_FIX = "Give it with the request (--file PATH on the command line, files=[...] in Python)"
"""How the command line and the Python API give a file: the fix their file errors name (the server words
it for its clients: :data:`hugginggpt_tools.server.SERVER_FILE_FIX`)."""


@dataclass(frozen=True)
class FilePolicy:
    """Which local files a file argument may name.

    Args:
        roots: folders whose files (after following symlinks) may be used.
        files: single files that may be used (the files the user gave).
    """

    roots: tuple[Path, ...]
    files: tuple[Path, ...] = ()

    @classmethod
    def create(cls, roots: Iterable[str | Path], files: Iterable[str | Path] = ()) -> "FilePolicy":
        """A policy over ``roots`` and ``files``, each with its symlinks resolved."""
        real_files = tuple(_real(f) for f in files if "\0" not in str(f))
        return cls(tuple(dict.fromkeys(_real(r) for r in roots if "\0" not in str(r))), real_files)

    def allows(self, path: str | Path) -> bool:
        """Whether ``path`` (symlinks followed) is one of the files or inside one of the roots (never
        for a path with a NUL character, which names no file)."""
        if "\0" in str(path):
            return False
        real = _real(path)
        return real in self.files or any(real == r or real.is_relative_to(r) for r in self.roots)

    def check(self, path: str | Path, shown: str | None = None) -> str:
        """The resolved absolute path of ``path``; :class:`InputError` when the policy refuses it."""
        shown = str(path) if shown is None else shown
        if "\0" in str(path):
            raise InputError(f"The file argument {shown!r} contains a NUL character; give a plain file path.")
        real = _real(path)
        if not self.allows(real):
            folders = ", ".join(str(r) for r in self.roots) or "none"
            raise InputError(
                f"Refusing the file {shown!r}: it is outside the folders files may come from ({folders}) and is "
                f"not one of the files given with the request. {GIVE_FILE_FIX}, copy it into "
                "the working folder, or add its folder to HUGGINGGPT_ALLOWED_DIRS (Settings.allowed_dirs)."
            )
        try:
            mode = os.stat(real).st_mode
        except OSError as exc:
            raise InputError(f"File {shown!r} cannot be read ({exc.strerror or exc}). Check the path.") from exc
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a device, FIFO or socket"
            raise InputError(f"Refusing the file {shown!r}: it is {kind}, not a regular file. Give a regular file.")
        return str(real)


__all__ = [
    "ALLOWED_SCHEMES",
    "GIVE_FILE_FIX",
    "DEFAULT_CONTENT_TYPES",
    "FilePolicy",
    "Target",
    "URLPolicy",
    "address_problem",
    "check_url_syntax",
    "not_an_upload",
    "resolve_host",
]
