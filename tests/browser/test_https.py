"""Over HTTPS (as behind TLS at a city's server) a real browser can answer: Flask-WTF checks there that each
POST carries a Referer from this site, which the pages' Referrer-Policy must let the browser send."""

from __future__ import annotations

import datetime
import ipaddress
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from kiosk import create_app

from .conftest import TODAY, NewContext, Site
from .helpers import OKUYAMI_78, answer_all, on_check_page, start_event


def _self_signed(folder: Path) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture(scope="module")
def https_site(chromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("browser-https")
    app = create_app({"TESTING": True, "KIOSK_MODE": "home", "SESSION_COOKIE_SECURE": True,
                      "KIOSK_DATABASE_URL": f"sqlite:///{folder / 'kiosk.sqlite3'}", "TODAY": lambda: TODAY,
                      "SECRET_KEY": "browser-test-secret"})
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=_self_signed(folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(app=app, url=f"https://127.0.0.1:{server.port}", mode="home")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_resident_answers_every_question_over_https(https_site: Site, new_context: NewContext):
    page = new_context(https_site, ignore_https_errors=True).new_page()
    start_event(page, "okuyami")  # a POST: refused with the 「有効期限」 page if no Referer came with it
    answer_all(page, https_site, "okuyami", OKUYAMI_78)
    assert on_check_page(page) and page.url.startswith("https://")
