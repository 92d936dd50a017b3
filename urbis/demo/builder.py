"""The demo edition: built deterministically (fixed seed) at the scale of the reference congress.

Each step is a module with `build(ctx: DemoContext) -> None`, run in the order below; a step may
read what earlier steps left in `ctx`.
"""

import random
from dataclasses import dataclass, field
from importlib import import_module

from django.db import transaction

STEPS: list[str] = [
    "urbis.demo.members",
    "urbis.demo.programme",
]


@dataclass
class DemoContext:
    scale: int = 1
    seed: int = 2021
    rng: random.Random = field(init=False)
    data: dict = field(default_factory=dict)  # what steps share: "edition", "members", "people", "admin" …
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def say(self, line: str) -> None:
        self.log.append(line)


def build_demo(*, scale: int = 1, seed: int = 2021, stdout=None) -> DemoContext:
    ctx = DemoContext(scale=scale, seed=seed)
    for step in STEPS:
        with transaction.atomic():
            import_module(step).build(ctx)
        if stdout is not None and ctx.log:
            stdout.write("\n".join(ctx.log))
            ctx.log.clear()
    return ctx
