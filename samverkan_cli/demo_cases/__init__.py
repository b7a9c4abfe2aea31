"""The twelve collaborations of the brief, as the demo tells them (one module each).

Each module holds one :class:`~samverkan_cli.demo_plan.DemoCase`: what the actors and the city
wrote in every form, on which day, and where the case should stand today. A field that later
belongs to every case (say, the responsible official) is one line in each module.
"""

from __future__ import annotations

from samverkan_cli.demo_cases import (
    amiralsstaden,
    bid_sofielund,
    citysamverkan,
    ngbg,
    nydalatorget,
    ostervarn_kirseberg,
    pa_limhamn,
    rosengard,
    sege_park,
    sommargatorna,
    vastra_hamnen,
    vi_pa_backarna,
)
from samverkan_cli.demo_plan import DemoCase

CASES: tuple[DemoCase, ...] = (
    bid_sofielund.CASE,
    pa_limhamn.CASE,
    ngbg.CASE,
    amiralsstaden.CASE,
    nydalatorget.CASE,
    vastra_hamnen.CASE,
    sege_park.CASE,
    citysamverkan.CASE,
    sommargatorna.CASE,
    ostervarn_kirseberg.CASE,
    vi_pa_backarna.CASE,
    rosengard.CASE,
)
