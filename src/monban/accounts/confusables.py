"""Identifiers that look like someone else's: the checks of Unicode UTS #39 (Unicode Security
Mechanisms) that a new email address or username must pass.

Two rules, on each part of an identifier separately (an email's local part and each label of
its domain; a username whole), as browsers do for domain names:

- **Restriction level "Highly Restrictive"** (UTS #39 §5.2): every character is of one script,
  or the part mixes only Latin with the scripts of one East Asian writing system (Latin + Han +
  Hiragana + Katakana for Japanese; Latin + Han + Bopomofo; Latin + Han + Hangul). Common and
  Inherited characters (digits, `.`, `-`, `ー`, combining marks) go with any script. So
  `山田たろう` and `taro.山田` pass, and `hаnako` with a Cyrillic `а` is refused. "Moderately
  Restrictive" would also let Latin mix with Cyrillic-like scripts other than Cyrillic and
  Greek (Armenian, Cherokee...), whose letters copy Latin ones just as well; Monban's people
  write in Japanese and English, so nothing they need is lost by the stricter level.
- **No whole-script confusable of Latin** (UTS #39 §4): a part written entirely in another
  script whose every letter looks like a Latin letter (Cyrillic `рау` for `pay`, Greek `ΑΒΕ`)
  is refused; a part with at least one letter of its own (`пример`) passes.

The script of each character and the table of look-alikes are Unicode's own data
(Scripts.txt and confusables.txt) as shipped by the `confusable-homoglyphs` package: no
hand-written tables here.
"""

from __future__ import annotations

from confusable_homoglyphs import categories, confusables

_NEUTRAL = frozenset({"COMMON", "INHERITED"})
_HIGHLY_RESTRICTIVE = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def scripts(part: str) -> frozenset[str]:
    """The scripts of `part`'s characters, Common and Inherited left out ("Unknown" for a
    code point Unicode assigns to no script)."""
    return frozenset(categories.alias(ch) for ch in part) - _NEUTRAL


def highly_restrictive(part: str) -> bool:
    found = scripts(part)
    if "Unknown" in found:
        return False
    return len(found) <= 1 or any(found <= allowed for allowed in _HIGHLY_RESTRICTIVE)


def latin_lookalike(part: str) -> bool:
    """Every letter of a non-Latin part has a Latin look-alike (a whole-script confusable)."""
    found = scripts(part)
    if not found or "LATIN" in found:
        return False
    letters = {ch for ch in part if categories.alias(ch) not in _NEUTRAL}
    similar = confusables.is_confusable(part, greedy=True, preferred_aliases=["latin"]) or []
    return letters <= {entry["character"] for entry in similar}


def deceptive(part: str) -> bool:
    """True if `part` breaks either rule above."""
    return not highly_restrictive(part) or latin_lookalike(part)
