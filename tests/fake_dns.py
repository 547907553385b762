"""The DNS of the test suite: no test asks a real resolver (``accounts.outbound.resolve`` is replaced).

Every name resolves to :data:`PUBLIC` (``localhost`` to 127.0.0.1) unless a test maps it:
``dns["evil.example"] = "127.0.0.1"`` (one address or a list). ``dns.asked`` lists every name looked up, in
order; a name mapped to ``None`` does not resolve.
"""

from __future__ import annotations

import ipaddress
import socket

PUBLIC = "93.184.215.14"  # a public address; tests never connect to it (deliveries are faked or local)


class FakeDns(dict):
    def __init__(self) -> None:
        super().__init__(localhost="127.0.0.1")
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list:
        self.asked.append(host)
        answer = self.get(host, PUBLIC)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = [answer] if isinstance(answer, str) else list(answer)
        return [ipaddress.ip_address(a) for a in answers]
