from .fixtures import jlis_certificate, pcscd, pki, place_card

__all__ = ["jlis_certificate", "pcscd", "pki", "place_card"]
