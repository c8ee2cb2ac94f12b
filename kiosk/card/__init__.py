"""The マイナンバーカード at the counter tablet: the 基本4情報 from the 券面事項入力補助AP, their signature checked.

- `apdu`: the application and file identifiers of the public specification, and the few commands sent;
- `tlv`: the BER-TLV the card's files are written in;
- `reader`: the card over PC/SC (pyscard and the system's pcscd), one APDU sequence;
- `verify`: the digest, the card's signature and its certificate (and J-LIS's certificate when configured);
- `kana`: a proposed フリガナ for the name (the card has none), from the read-aloud dictionary.

Only the 基本4情報 file, its signature file and the AP's certificate are read. The file holding the 個人番号 is never
selected or read (`apdu.select_ef` refuses it). The PIN lives only in the request that sends it: it is never logged,
stored, put in the session or read aloud.
"""
