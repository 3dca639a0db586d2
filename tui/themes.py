"""Solo's two themes (dark and light), chosen so text reads on every background (≥ 4.5:1)."""

from __future__ import annotations

from textual.theme import Theme

SOLO_DARK = Theme(
    name="solo-dark", dark=True,
    primary="#5AA9FF", secondary="#9A8CFF", accent="#FFB454", warning="#FFC857",
    error="#FF7A7A", success="#6BD98B",
    foreground="#E6E8EC", background="#15171C", surface="#1D2027", panel="#272B34",
)
SOLO_LIGHT = Theme(
    name="solo-light", dark=False,
    primary="#0B5CAD", secondary="#5B3FB8", accent="#9A4400", warning="#8A5A00",
    error="#B3261E", success="#17662A",
    foreground="#1B1D22", background="#FAFAF7", surface="#F1F1EC", panel="#E3E4DE",
)
THEMES: dict[str, Theme] = {"dark": SOLO_DARK, "light": SOLO_LIGHT}


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2) of a #RRGGBB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
