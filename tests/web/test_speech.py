"""Read-aloud on kiosk pages: the server speaks the page's own texts, never personal data."""

import io
import re

import pytest
import soundfile

from kiosk.extensions import services
from kiosk.speech.service import SpeechBusy

from .conftest import Resident
from .test_resident_flow import OKUYAMI_78


def items(page: str) -> list[str]:
    block = re.search(r'<ol id="speech-items"[^>]*>(.*?)</ol>', page, re.S)
    assert block, "no read-aloud items on the page"
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), re.S)]


def test_a_question_is_read_as_the_question_then_its_options(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    flow = services(kiosk_app).content.flows["okuyami"]
    shown = [flow.question_map[qid] for qid in resident.screen_questions()]
    spoken = items(resident.page)
    screen = flow.screen_of.get(shown[0].id)
    if len(shown) > 1:  # a screen of several: its heading, then each question with its options
        assert screen is not None and spoken[0] == screen.text
        positions = [spoken.index(question.text) for question in shown]
        assert positions == sorted(positions)
    else:
        assert spoken[0] == shown[0].text
    question = shown[-1]
    assert spoken[-len(question.choices):] == [option.label for option in question.choices]
    assert 'data-speech="play"' in resident.page and "ゆっくり" in resident.page and "もう一度" in resident.page


def test_the_clip_is_real_audio_of_the_sentence(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    response = resident.client.get("/speech/clip/0?rate=slow")
    assert response.status_code == 200 and response.mimetype in ("audio/ogg", "audio/wav")
    body = response.data
    response.close()
    data, samplerate = soundfile.read(io.BytesIO(body))
    assert samplerate > 8000 and len(data) / samplerate > 0.5
    assert resident.client.get("/speech/clip/500").status_code == 404


def test_personal_details_are_never_read_aloud(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/prefill/applicant")
    resident.post("/okuyami/prefill/applicant", {"name": "山田 太郎", "name_kana": "ヤマダ タロウ",
                  "birth_date": "1968-04-21", "postal_code": "", "address": "東京都国立市東1-2-3",
                  "phone": "090-1234-5678", "relationship": "child"})
    resident.make_slip("okuyami")
    for page in ("/okuyami/prefill/applicant", "/okuyami/prefill/subject", "/okuyami/check", "/okuyami/slip"):
        resident.get(page)
        spoken = " ".join(items(resident.page))
        for secret in ("山田", "ヤマダ", "090-1234-5678", "国立市東", "2026年5月10日"):
            assert secret not in spoken, (page, secret)


def test_the_result_reads_deadlines_and_reasons(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/result")
    spoken = items(resident.page)
    assert any("2026年5月25日" in text for text in spoken)  # 14日目 5/23（土）→ 5/25（地方自治法4条の2④）
    assert any(text.startswith("亡くなった方が") for text in spoken)


def test_the_result_reads_the_summary_first(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/result")
    spoken = items(resident.page)
    assert spoken[0] == "必要な手続き" and re.fullmatch(r"必要な手続きは\d+件です。", spoken[1])
    assert re.fullmatch(r"持ち物は\d+点です。", spoken[2])
    # The procedures with their dates, then the slip, all before the first reason.
    slip = spoken.index("窓口で見せる受付票を作ると、職員が書類を印刷します。窓口で書く必要がなくなります。")
    first_reason = next(i for i, text in enumerate(spoken) if text.startswith("亡くなった方が"))
    # 14日目 5/23（土）→ 5/25（月）（地方自治法4条の2④）
    assert "後期高齢者医療制度をやめる手続き。期限。2026年5月25日（月）" in spoken[:slip]
    assert slip < first_reason


def test_a_saturated_speech_service_answers_503_not_a_hang(kiosk_app, monkeypatch):
    resident = Resident(kiosk_app.test_client())
    resident.start("okuyami")
    service = services(kiosk_app).speech

    def busy(*args, **kwargs):
        raise SpeechBusy("queue full")

    monkeypatch.setattr(service, "clip_for_text", busy)
    response = resident.client.get("/speech/clip/0")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert "混み合っています" in response.get_json()["message"]


def test_home_pages_have_no_loudspeaker_controls(resident):
    resident.start("okuyami")
    assert 'id="speech-items"' not in resident.page and 'data-speech="play"' not in resident.page


VOICED = {"zh-Hans": "cmn", "vi": "vi", "ko": "ko", "ne": "ne", "id": "id", "pt-BR": "pt-br"}


@pytest.mark.parametrize("lang", sorted(VOICED))
def test_read_aloud_plays_real_audio_in_each_language_with_a_voice(kiosk_app, lang):
    resident = Resident(kiosk_app.test_client())
    resident.get("/")
    resident.post("/language", {"lang": lang, "next": "/"})
    resident.start("okuyami")
    assert 'data-speech="play"' in resident.page
    spoken = items(resident.page)
    assert spoken and not re.search(r"[\u3040-\u30ff]", spoken[0]), f"{lang}: the page would be read in Japanese"
    response = resident.client.get("/speech/clip/0")
    assert response.status_code == 200, f"{lang}: no clip"
    body = response.data
    response.close()
    data, samplerate = soundfile.read(io.BytesIO(body))
    assert samplerate > 8000 and len(data) / samplerate > 0.5, f"{lang}: the clip is not speech"
    assert float(abs(data).max()) > 0.05, f"{lang}: the clip is silent"


def test_filipino_has_no_voice_so_the_kiosk_offers_staff_instead(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.get("/")
    resident.post("/language", {"lang": "fil", "next": "/"})
    resident.start("okuyami")
    assert 'data-speech="play"' not in resident.page and 'id="speech-items"' not in resident.page
    assert resident.client.get("/speech/clip/0").status_code in (404, 409)
