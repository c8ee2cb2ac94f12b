"""`kiosk slip …`: keys for sealed slips, and QR size measurements."""

from __future__ import annotations

import sys
from datetime import date

import click

from .keys import ENV_PUBLIC, KeyConfigError, Keyring, describe, describe_public, generate_key, keyring_from_env
from .qr import RECEIPT_DPI, QrTooLarge, print_size
from .reference import format_reference_code, issue_token, new_reference_code
from .sample import SAMPLE_NOW, sample_okuyami_case
from .scan import inspect as inspect_payload
from .sealed import seal


@click.group()
def slip() -> None:
    """受付票（QR）: keys for sealed slips and size measurements."""


@slip.command("new-key")
@click.argument("name", required=False)
def new_key(name: str | None) -> None:
    """Print a new key pair (default name: kYYYYMMDD): on standard output the counter's private key as NAME:BASE64
    for KIOSK_SEAL_KEYS; on standard error, with the instructions, the public key for the issuer's
    KIOSK_SEAL_PUBLIC_KEY (`kiosk slip public-key` prints it again from KIOSK_SEAL_KEYS)."""
    try:
        key = generate_key(name or f"k{date.today():%Y%m%d}")
    except KeyConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(key.to_config())
    click.echo(
        "上の行は窓口（閉じたネットワーク）の秘密鍵です。窓口の KIOSK_SEAL_KEYS に「,」でつないで追加し、"
        "KIOSK_SEAL_ACTIVE_KEY をこの名前にしてください。古い鍵は、その鍵の受付票の有効期限が過ぎるまで"
        "窓口の一覧に残します。秘密鍵は窓口の外に出さないでください。\n"
        f"発行側（インターネット側の案内サーバー）には、次の公開鍵だけを設定します:\n"
        f"{ENV_PUBLIC}={key.public_key.to_config()}",
        err=True,
    )


def _configured_keyring() -> Keyring:
    """The counter's keys from KIOSK_SEAL_KEYS / KIOSK_SEAL_ACTIVE_KEY; exits with a message when there are none."""
    try:
        keyring = keyring_from_env()
    except KeyConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if keyring is None:
        click.echo("KIOSK_SEAL_KEYS が設定されていません", err=True)
        sys.exit(1)
    return keyring


@slip.command("public-key")
@click.argument("name", required=False)
def public_key(name: str | None) -> None:
    """Print the public key of the active key (or of NAME) in KIOSK_SEAL_KEYS, for the issuer's
    KIOSK_SEAL_PUBLIC_KEY."""
    keyring = _configured_keyring()
    key = next((k for k in keyring.keys if k.name == (name or keyring.active_name)), None)
    if key is None:
        click.echo(f"鍵「{name}」は KIOSK_SEAL_KEYS にありません", err=True)
        sys.exit(1)
    click.echo(key.public_key.to_config())


@slip.command()
def keys() -> None:
    """List the configured keys (name, fingerprint carried in slips, active mark); never the keys themselves."""
    keyring = _configured_keyring()
    for line in describe(keyring):
        click.echo(line)
    click.echo("# 封をした受付票の鍵ID と、発行側に設定する公開鍵:")
    for line in describe_public(keyring):
        click.echo(line)


@slip.command()
@click.argument("payload", required=False)
def inspect(payload: str | None) -> None:
    """Show what kind of payload PAYLOAD (or standard input) is, its key fingerprint and expiry — not its content."""
    text = payload if payload is not None else sys.stdin.read()
    for name, value in inspect_payload(text.strip()).items():
        click.echo(f"{name}\t{value}")


@slip.command()
@click.option("--dpi", default=RECEIPT_DPI, show_default=True, help="Printer resolution.")
@click.option("--module-mm", default=0.5, show_default=True, help="Target module size in mm.")
def measure(dpi: int, module_mm: float) -> None:
    """QR version and printed size of a typical おくやみ case with prefill, in both modes."""
    keyring = Keyring.single(generate_key("measure"))  # sealed to its public key, as an issuer does
    rows = [
        ("reference token (case id 48213)", issue_token("48213", keyring, now=SAMPLE_NOW)),
        ("sealed, full case (32 answers + prefill)", seal(sample_okuyami_case(), keyring)),
        ("sealed, short case (15 answers + prefill)", seal(sample_okuyami_case(short=True), keyring)),
    ]
    click.echo(f"reference code example: {format_reference_code(new_reference_code())}")
    click.echo("payload\tchars\tversion\tlevel\tmodules(+quiet)\tmm@0.5\tdots/module\tmodule mm\tprinted mm")
    for label, payload in rows:
        try:
            size = print_size(payload, dpi, module_mm)
        except QrTooLarge as exc:
            click.echo(f"{label}\t{len(payload)}\t{exc}")
            continue
        info = size.info
        click.echo(
            f"{label}\t{len(payload)}\t{info.version}\t{info.level}\t{info.modules}({info.modules_with_quiet_zone})\t"
            f"{info.size_mm(0.5):.1f}\t{size.pixels_per_module}\t{size.module_mm:.3f}\t{size.size_mm:.1f}"
        )
