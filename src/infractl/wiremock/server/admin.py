"""WireMock's admin API over ``requests``: every call has a timeout and bounded retries.

Only reads and ``POST /__admin/shutdown`` are used. ``DELETE /__admin/mappings`` is never called: it
deletes the mapping files from disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infractl.errors import InfractlError

TIMEOUT = 5.0  # seconds per request
RETRIES = 3  # connection errors and 502/503/504, with a short back-off


@dataclass
class Admin:
    base_url: str  # http://127.0.0.1:8080
    timeout: float = TIMEOUT
    retries: int = RETRIES

    def __post_init__(self) -> None:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self._requests = requests
        self.session = requests.Session()
        retry = Retry(total=self.retries, connect=self.retries, read=self.retries, backoff_factor=0.2,
                      status_forcelist=(502, 503, 504), allowed_methods=None, raise_on_status=False)
        self.session.mount("http://", HTTPAdapter(max_retries=retry))

    def _get(self, path: str) -> Any:
        try:
            response = self.session.get(self.base_url + path, timeout=self.timeout)
        except self._requests.RequestException as exc:
            raise InfractlError(f"WireMock admin API at {self.base_url} does not answer: {_reason(exc)}") from None
        if response.status_code != 200:
            raise InfractlError(f"GET {self.base_url}{path} answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise InfractlError(f"GET {self.base_url}{path} did not answer JSON") from None

    def health(self) -> dict | None:
        """The health document once WireMock is up, None while nothing answers yet (one quick try)."""
        try:
            response = self._requests.get(self.base_url + "/__admin/health", timeout=min(self.timeout, 2.0))
        except self._requests.RequestException:
            return None
        if response.status_code != 200:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def mappings_total(self) -> int:
        return int(self._get("/__admin/mappings?limit=1")["meta"]["total"])

    def mappings(self) -> list[dict]:
        return self._get("/__admin/mappings").get("mappings", [])

    def unmatched(self) -> list[dict]:
        return self._get("/__admin/requests/unmatched").get("requests", [])

    def near_misses(self) -> list[dict]:
        return self._get("/__admin/requests/unmatched/near-misses").get("nearMisses", [])

    def shutdown(self) -> bool:
        """Ask WireMock to exit; True when it accepted (or already went away mid-request)."""
        try:
            response = self._requests.post(self.base_url + "/__admin/shutdown", timeout=self.timeout)
        except self._requests.ConnectionError:
            return False
        except self._requests.RequestException:
            return False
        return response.status_code == 200


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    return text.splitlines()[0][:200] if text else type(exc).__name__
