"""The ordinal sensitivity model in words: said only when it disagrees with the linear DiD."""

from __future__ import annotations

from flask_babel import gettext as _

from dashboards.formatting import number
from dashboards.results import TrendView


def ordinal_sentence(trend: TrendView, last: str) -> str | None:
    """What the ordinal model says, only when it disagrees with the linear one at `last`."""
    check = trend.ordinal
    if check is None or check.round != last or not check.disagrees:
        return None
    numbers = {
        "low": number(check.scale_low, 0),
        "high": number(check.scale_high, 0),
        "p": number(check.p_value, 3),
    }
    if check.agreement == "direction":
        return _(
            "En modell som tar hensyn til at svarene er på en skala fra %(low)s til %(high)s, "
            "peker i motsatt retning (p = %(p)s). Les forskjellen som usikker.",
            **numbers,
        )
    if check.linear_p < check.alpha:
        return _(
            "En modell som tar hensyn til at svarene er på en skala fra %(low)s til %(high)s, "
            "finner ingen tydelig forskjell (p = %(p)s). Les forskjellen som usikker.",
            **numbers,
        )
    return _(
        "En modell som tar hensyn til at svarene er på en skala fra %(low)s til %(high)s, "
        "finner en tydelig forskjell (p = %(p)s), men hovedmodellen gjør det ikke. Les "
        "forskjellen som usikker.",
        **numbers,
    )
