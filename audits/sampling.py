"""Sample sizes and reproducible draws for sampling audits (AU-2). Django-free.

Cochran's formula for a proportion, with the finite-population correction:

    n0 = z^2 * p * (1 - p) / e^2          (p = 0.5, the most conservative)
    n  = ceil( n0 / (1 + (n0 - 1) / N) )

never fewer than the policy minimum (10, AU-2) or the whole population when it is
smaller. Worked examples at 95 % confidence and a 5 % margin: N = 50 -> 45,
N = 500 -> 218, N = 50,000 -> 382.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from statistics import NormalDist

POLICY_MINIMUM = 10  # AU-2: "at least 10 detection-browsing inquiries"


def z_value(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


@dataclass(frozen=True)
class SampleSize:
    population: int
    confidence: float
    margin: float
    z: float
    n0: float
    corrected: float
    minimum: int
    sample: int

    def as_dict(self) -> dict:
        return asdict(self)

    def arithmetic(self) -> str:
        """The working, as the memo prints it."""
        if self.population == 0:
            return "Population is empty: nothing to sample."
        text = (
            f"z = {self.z:.4f} ({self.confidence:.0%} confidence), e = {self.margin:.1%}, p = 0.5: "
            f"n0 = z² · p(1−p) / e² = {self.n0:.2f}; with N = {self.population:,}: "
            f"n = n0 / (1 + (n0 − 1)/N) = {self.corrected:.2f} → {math.ceil(self.corrected)}"
        )
        if self.sample == self.population and self.population <= max(self.minimum, math.ceil(self.corrected)):
            text += f"; the whole population ({self.population}) is reviewed"
        elif self.sample > math.ceil(self.corrected):
            text += f"; raised to the minimum of {self.minimum}"
        return text + f". Sample: {self.sample}."


def sample_size(population: int, *, confidence: float = 0.95, margin: float = 0.05,
                minimum: int = POLICY_MINIMUM) -> SampleSize:
    if population < 0:
        raise ValueError("population cannot be negative")
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    z = z_value(confidence)
    n0 = z * z * 0.25 / (margin * margin)
    corrected = n0 / (1 + (n0 - 1) / population) if population else 0.0
    n = max(math.ceil(corrected - 1e-9), minimum)
    return SampleSize(population, confidence, margin, z, n0, corrected, minimum, min(n, population))


def draw(ids: list, size: int, seed: int) -> list:
    """The sample: `random.Random(seed).sample(sorted(ids), size)`. Anyone with the seed and
    the population (sorted ids) re-derives the same items in the same order."""
    population = sorted(ids)
    return random.Random(seed).sample(population, min(size, len(population)))


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a proportion (Wilson score), used for the compliance rate."""
    if total == 0:
        return (0.0, 0.0)
    z = z_value(confidence)
    p = successes / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))
