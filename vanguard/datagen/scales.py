"""The named sizes of a generated campaign (the benchmark's data)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    units: int  # base organisations, in two batches (a third of them in batch 1)
    members: int
    sessions_per_unit: int
    opinions: int
    rectification_items: int
    frame_people: int  # people in the survey sampling frames, over all units
    survey_responses: int

    @property
    def members_per_unit(self) -> int:
        return max(1, self.members // self.units)


SCALES = {
    # For the tests: two small sizes whose pages must run the same number of queries.
    "tiny": Scale("tiny", 6, 60, 3, 30, 30, 300, 120),
    "small": Scale("small", 12, 240, 6, 120, 120, 1_200, 480),
    "demo": Scale("demo", 20, 400, 6, 300, 200, 2_000, 1_000),
    "city": Scale("city", 300, 12_000, 40, 40_000, 30_000, 100_000, 60_000),
    "province": Scale("province", 3_000, 120_000, 40, 400_000, 300_000, 1_000_000, 600_000),
}
