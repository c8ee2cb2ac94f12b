"""Why a slip could not be read: a short code for programs and logs, a Japanese message for people.

Messages are shown to the clerk and the resident and may be logged as they are: they never contain anything
read from the slip (no names, no case ids, no answers), only facts about the slip itself such as its expiry.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import ClassVar

JST = timezone(timedelta(hours=9), "JST")


class SlipError(Exception):
    """A slip (QR payload or reference code) that cannot be used. `code` is stable; `message` is for people."""

    code: ClassVar[str] = "slip_error"
    default_message: ClassVar[str] = "この受付票は読み取れません。職員にお声がけください。"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def log_fields(self) -> dict[str, str]:
        """What may go into an application log: the code and safe facts, never personal data."""
        return {"slip_error": self.code}

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class SlipGarbage(SlipError):
    """Not a slip of this system at all: empty, truncated, wrong characters, an unrelated QR code."""

    code = "garbage"
    default_message = "この二次元コードは読み取れません。職員にお声がけください。"


class SlipTampered(SlipError):
    """A slip of this system whose content does not match its signature: damaged or altered."""

    code = "tampered"
    default_message = (
        "この受付票の二次元コードは、傷や汚れ、または書きかえにより正しく読み取れません。"
        "お手数ですが、受付票を作り直してください。"
    )


class SlipWrongKey(SlipError):
    """Signed or sealed with a key this counter does not hold: another system, or a key already retired."""

    code = "wrong_key"
    default_message = (
        "この受付票は、この窓口では読み取れません（別のシステムで作られたか、古い鍵で作られています）。"
        "職員にお声がけください。"
    )


class SlipExpired(SlipError):
    """Genuine, but past its expiry."""

    code = "expired"

    def __init__(self, expired_at: datetime) -> None:
        self.expired_at = expired_at
        local = expired_at.astimezone(JST)
        super().__init__(
            f"この受付票は有効期限（{local.year}年{local.month}月{local.day}日）を過ぎています。"
            "お手数ですが、もう一度ご案内を受けて受付票を作り直してください。"
        )

    def log_fields(self) -> dict[str, str]:
        return {"slip_error": self.code, "expired_at": self.expired_at.isoformat()}


class SlipMistyped(SlipError):
    """A typed reference code whose check character does not match: a typing or reading mistake."""

    code = "mistyped"
    default_message = (
        "受付番号が正しくありません。"
        "受付票の「受付番号」をもう一度お確かめください（英字の大文字・小文字は区別しません）。"
    )
