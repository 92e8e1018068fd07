"""Validators and masking policy of the privacy detector, on synthetic values."""

import random
import stat

import pytest
from privacy_synth import gen_bank, gen_id, gen_uscc, id_check

from scanner.detectors.privacy import validators as v
from scanner.privacy import exposure, mask, match_key, policy


def test_resident_id_check_digit_region_and_date():
    rng = random.Random(1)
    for _ in range(200):
        value = gen_id(rng)
        assert v.id_parts_ok(value) == (True, True, True)
        wrong = value[:17] + ("0" if value[17] != "0" else "1")
        assert not v.id_checksum_ok(wrong)
    # 1990-02-30 does not exist; region 99 is no province
    bad_date = "11010119900230123"
    assert not v.birth_date_ok(bad_date[6:14])
    assert v.region_name("990101") is None
    assert v.region_name("110101") == "北京市"
    assert v.region_name("810000") and v.region_name("830000") and v.region_name("811111") is None


def test_lowercase_x_check_digit_accepted():
    rng = random.Random(2)
    value = gen_id(rng, x=True)
    assert value.endswith("X") and v.id_checksum_ok(value[:17] + "x".upper())
    assert id_check(value[:17]) == "X"


def test_luhn_and_uscc_tell_cards_and_organisations_from_ids():
    rng = random.Random(3)
    for _ in range(100):
        assert v.luhn_ok(gen_bank(rng))
        code = gen_uscc(rng)
        assert v.uscc_ok(code)
        assert not v.uscc_ok(code[:17] + ("0" if code[17] != "0" else "1"))
    assert not v.luhn_ok("6222021234567890120")


def test_masking_policy_profiles():
    default, strict = policy("default"), policy("strict")
    assert default.allows("id", 6, 4, birth_hidden=True)
    assert not default.allows("id", 10, 4, birth_hidden=False)  # birth year still visible
    assert not strict.allows("id", 6, 4, birth_hidden=True)
    assert strict.allows("id", 2, 3, birth_hidden=True)
    assert default.allows("phone", 3, 4) and not default.allows("phone", 5, 4)
    assert default.allows("bank", 6, 4) and not default.allows("bank", 8, 4)
    custom = policy({"name": "site", "phone": [3, 2]})
    assert not custom.allows("phone", 3, 4)
    with pytest.raises(ValueError):
        policy("lenient")
    assert exposure("110101********1234")[:2] == (6, 4)


def test_masks_never_show_enough_to_reidentify():
    assert mask("id", "11010119900307123X") == "1101**********123X"
    assert mask("phone", "13800138000") == "138****8000"
    assert mask("bank", "6222021234567890128") == "6222***********0128"
    assert mask("name", "欧阳娜娜") == "欧阳**"
    assert "3组" not in mask("address", "某镇河西村3组12号")


def test_keyed_hash_is_stable_and_keyed(tmp_path, monkeypatch):
    monkeypatch.delenv("CUOMIN_HASH_KEY", raising=False)
    monkeypatch.setenv("CUOMIN_DATA_DIR", str(tmp_path))
    a = match_key("id", "110101199003071237")
    key_file = tmp_path / "privacy-hash.key"
    assert key_file.exists() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert match_key("id", "110101199003071237") == a
    assert "110101199003071237" not in a and a.startswith("pii:id:")
    monkeypatch.setenv("CUOMIN_HASH_KEY", "another-installation")
    assert match_key("id", "110101199003071237") != a
