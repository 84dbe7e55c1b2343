"""Vietnamese numbers: read a written number into a value, keeping what was written.

Vietnamese official text writes the dot for thousands and the comma for decimals
(CLDR ``vi``): ``4.051`` is 4051, ``87,7`` is 87.7, ``6.585,4`` is 6585.4 and
``3.000.000`` is 3,000,000. Some passages (the 2025–2030 targets of the political
report) write a dot decimal instead: ``0.024%``, ``92.86%``, ``98.50%``, ``99.8%``.
The rule that tells the two apart, from the written string alone:

1. A comma is always the decimal separator; dots before it must then group
   thousands (``6.585,4``).
2. Without a comma, dots are thousands separators when **every** group after the
   first has exactly three digits and the first group has one to three digits
   and is not ``0`` (``4.051``, ``3.000.000``).
3. Otherwise a single dot is a decimal point: a dot followed by one or two digits
   (``92.86``, ``98.50``, ``99.8``) or a leading ``0`` (``0.024``).
4. Anything else (``1.23.4``, ``1,2,3``) is not a number: :class:`ValueError`.
5. Digits of another script (Arabic-Indic ``١٢٣``, full-width ``１２``) are not read either
   (:class:`ValueError`): their separators follow other conventions, so a value read from them
   could be wrong. The extraction gives such a digit group the kind ``unreadable_script``.

A caller that knows better from context (``dot_decimal=True``) can force rule 3
for a single dot followed by three digits.

The *precision* of a written number is its count of decimal places as written
(``98.50`` has 2, ``4.051`` has 0); GRIM-style checks need it, so
:func:`read_number` keeps it together with the string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Number", "read_number", "parse_number", "decimals_of", "format_vi", "NUMBER_PATTERN"]

# A written number: digit groups joined by single dots or commas.
NUMBER_PATTERN = r"\d+(?:[.,]\d+)*"
_NUMBER = re.compile(rf"^{NUMBER_PATTERN}$")


@dataclass(frozen=True)
class Number:
    """A number as written: its value, its decimal places and the exact string."""

    value: float
    decimals: int
    text: str
    thousands_separator: str = ""
    decimal_separator: str = ""


def _read(text: str, dot_decimal: bool | None) -> Number:
    if not _NUMBER.match(text):
        raise ValueError(f"not a number as written: {text!r}")
    if not text.isascii():
        raise ValueError(f"not a number as written (digits of another script): {text!r}")
    if "," in text:
        if text.count(",") > 1:
            raise ValueError(f"not a number as written (more than one decimal comma): {text!r}")
        whole, frac = text.split(",")
        if not frac.isdigit():
            raise ValueError(f"not a number as written (a dot after the decimal comma): {text!r}")
        groups = whole.split(".")
        if len(groups) > 1 and not _thousands_groups(groups):
            raise ValueError(f"not a number as written (dots before a decimal comma must group "
                             f"thousands): {text!r}")
        return Number(float(f"{''.join(groups)}.{frac}"), len(frac), text,
                      "." if len(groups) > 1 else "", ",")
    if "." not in text:
        return Number(float(text), 0, text)
    groups = text.split(".")
    if _thousands_groups(groups) and not (dot_decimal and len(groups) == 2):
        return Number(float("".join(groups)), 0, text, ".", "")
    if len(groups) == 2:
        return Number(float(text), len(groups[1]), text, "", ".")
    raise ValueError(f"not a number as written (dots neither group thousands nor mark one decimal "
                     f"point): {text!r}")


def _thousands_groups(groups: list[str]) -> bool:
    head, rest = groups[0], groups[1:]
    return 1 <= len(head) <= 3 and head != "0" and all(len(g) == 3 for g in rest)


def read_number(text: str, dot_decimal: bool | None = None) -> Number:
    """Read a written Vietnamese number (see the module docstring for the rule).

    >>> read_number("4.051")
    Number(value=4051.0, decimals=0, text='4.051', thousands_separator='.', decimal_separator='')
    >>> read_number("98.50").decimals
    2
    >>> read_number("6.585,4").value
    6585.4

    Raises :class:`ValueError` naming the string when it is not a number as written.
    """
    return _read(text.strip(), dot_decimal)


def parse_number(text: str, dot_decimal: bool | None = None) -> float:
    """The value of a written Vietnamese number.

    >>> parse_number("87,7")
    87.7
    >>> parse_number("3.000.000")
    3000000.0
    >>> parse_number("0.024")
    0.024
    >>> parse_number("92.86")
    92.86
    >>> parse_number("1.23.4")
    Traceback (most recent call last):
    ...
    ValueError: not a number as written (dots neither group thousands nor mark one decimal point): '1.23.4'
    >>> parse_number("١٢٣")
    Traceback (most recent call last):
    ...
    ValueError: not a number as written (digits of another script): '١٢٣'
    """
    return read_number(text, dot_decimal).value


def decimals_of(text: str) -> int:
    """Decimal places as written: ``decimals_of("98,89")`` → 2, ``decimals_of("4.051")`` → 0.

    >>> decimals_of("98,89"), decimals_of("4.051"), decimals_of("0.024")
    (2, 0, 3)
    """
    return read_number(text).decimals


def format_vi(value: float, decimals: int = 0, group: bool = True) -> str:
    """Write a number the Vietnamese way (dot thousands, comma decimals).

    >>> format_vi(6585.4, 1)
    '6.585,4'
    >>> format_vi(3000000)
    '3.000.000'
    >>> format_vi(4051, group=False)
    '4051'
    """
    written = f"{value:,.{decimals}f}" if group else f"{value:.{decimals}f}"
    return written.replace(",", "\0").replace(".", ",").replace("\0", ".")
