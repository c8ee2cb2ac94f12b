"""Read-aloud in a real browser: 読み上げ plays the page's audio from the server, 停止 stops it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Site
from .helpers import start_event

# Record what the page does with audio, without changing it.
RECORD_AUDIO = """
window.__speech = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__speech.push("play:" + this.src);
  const media = this;
  media.addEventListener("playing", () => window.__speech.push("playing"), { once: true });
  return play.call(this);
};
const pause = HTMLMediaElement.prototype.pause;
HTMLMediaElement.prototype.pause = function () { window.__speech.push("pause"); return pause.call(this); };
"""


def events(page: Page) -> list[str]:
    return page.evaluate("window.__speech")


def test_read_aloud_plays_the_question_and_stop_stops_it(kiosk: Page, kiosk_site: Site) -> None:
    kiosk.add_init_script(RECORD_AUDIO)
    start_event(kiosk, "okuyami")
    assert events(kiosk) == []  # speech never starts by itself
    clips: list[str] = []
    kiosk.on("response", lambda response: clips.append(response.url) if "/speech/clip/" in response.url else None)
    with kiosk.expect_response(lambda r: "/speech/clip/0" in r.url) as first:
        kiosk.get_by_role("button", name="読み上げ", exact=True).click()
    assert first.value.status in (200, 206)  # media elements ask for byte ranges
    assert first.value.headers["content-type"].startswith("audio/")
    expect(kiosk.locator("body")).to_have_attribute("hx-history", "false")  # page still intact
    for _ in range(150):  # wait_for_function evaluates strings, which the page's CSP forbids: poll instead
        if "playing" in events(kiosk):
            break
        kiosk.wait_for_timeout(100)
    assert "playing" in events(kiosk)
    assert any(event.startswith("play:") and "/speech/clip/0" in event for event in events(kiosk))
    kiosk.get_by_role("button", name="停止").click()
    assert "pause" in events(kiosk)
    heard = len(clips)
    kiosk.wait_for_timeout(1500)
    assert len(clips) == heard  # nothing more is fetched after 停止


def test_slow_speed_asks_for_slow_clips(kiosk: Page, kiosk_site: Site) -> None:
    kiosk.add_init_script(RECORD_AUDIO)
    start_event(kiosk, "okuyami")
    kiosk.click(".toolbar summary:has-text('その他')")  # the speed is a secondary control (issue 14)
    kiosk.get_by_role("button", name="ゆっくり").click()
    expect(kiosk.get_by_role("button", name="ゆっくり")).to_have_attribute("aria-pressed", "true")
    with kiosk.expect_response(lambda r: "/speech/clip/0" in r.url) as first:
        kiosk.get_by_role("button", name="読み上げ", exact=True).click()
    assert "rate=slow" in first.value.url
