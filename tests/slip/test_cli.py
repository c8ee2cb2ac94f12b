import base64

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.slip import issue_token, parse_keyring

from .conftest import NEW, NOW, OLD


def run(*args, env=None, stdin=None):
    return CliRunner().invoke(main, ["slip", *args], env=env, input=stdin)


def test_new_key_prints_a_usable_configuration_line():
    result = run("new-key", "2026a")
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("2026a:")
    assert len(base64.b64decode(line.partition(":")[2])) == 32
    assert parse_keyring(line).active.name == "2026a"
    assert "KIOSK_SEAL_KEYS" in result.stderr


def test_new_key_refuses_a_bad_name():
    assert run("new-key", "bad name").exit_code == 2


def test_keys_lists_fingerprints_not_keys():
    env = {"KIOSK_SEAL_KEYS": f"{NEW.to_config()},{OLD.to_config()}", "KIOSK_SEAL_ACTIVE_KEY": "2026a"}
    result = run("keys", env=env)
    assert result.exit_code == 0, result.output
    assert NEW.fingerprint.hex() in result.stdout and "（有効）" in result.stdout
    assert NEW.to_config().partition(":")[2] not in result.stdout
    assert run("keys", env={"KIOSK_SEAL_KEYS": ""}).exit_code == 1
    assert run("keys", env={"KIOSK_SEAL_KEYS": "broken"}).exit_code == 2


def test_measure_reports_both_modes():
    result = run("measure", "--dpi", "203", "--module-mm", "0.5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.startswith("reference token") and "\t3\tM\t" in line for line in lines)
    assert any(line.startswith("sealed, full case") and "\t18\tM\t89(97)\t48.5\t4\t" in line for line in lines)


def test_inspect_reads_standard_input():
    from kiosk.slip import Keyring

    token = issue_token("48213", Keyring.single(NEW), now=NOW)
    result = run("inspect", stdin=token + "\n")
    assert result.exit_code == 0
    assert "reference_token" in result.stdout and NEW.fingerprint.hex() in result.stdout
    assert "48213" not in result.stdout


def test_new_key_prints_the_public_key_for_the_issuer_and_public_key_prints_it_again():
    result = run("new-key", "2026a")
    private = parse_keyring(result.stdout.strip()).active
    assert f"KIOSK_SEAL_PUBLIC_KEY={private.public_key.to_config()}" in result.stderr
    again = run("public-key", env={"KIOSK_SEAL_KEYS": result.stdout.strip()})
    assert again.exit_code == 0 and again.stdout.strip() == private.public_key.to_config()
    assert result.stdout.strip().partition(":")[2] not in again.stdout  # never the private key
    env = {"KIOSK_SEAL_KEYS": f"{NEW.to_config()},{OLD.to_config()}", "KIOSK_SEAL_ACTIVE_KEY": "2026a"}
    assert run("public-key", "2025b", env=env).stdout.strip() == OLD.public_key.to_config()
    assert run("public-key", "nosuch", env=env).exit_code == 1
    listed = run("keys", env=env).stdout
    assert NEW.public_key.fingerprint.hex() in listed and NEW.public_key.to_config() in listed
