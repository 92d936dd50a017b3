"""The demo edition: built deterministically (fixed seed) at the scale of the reference congress.

Each step is a module with `build(ctx: DemoContext) -> None`, run in the order below; a step may
read what earlier steps left in `ctx`.
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module

from django.db import transaction

STEPS: list[str] = [
    "urbis.demo.members",
    "urbis.demo.programme",
    "urbis.demo.awards",
    "urbis.demo.registration",
    "urbis.demo.assembly",
    "urbis.demo.assembly_documents",
]


@dataclass
class DemoContext:
    scale: int = 1
    seed: int = 2021
    rng: random.Random = field(init=False)
    data: dict = field(default_factory=dict)  # what steps share: "edition", "members", "people", "admin" …
    log: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # step → seconds

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def say(self, line: str) -> None:
        self.log.append(line)


def build_demo(*, scale: int = 1, seed: int = 2021, stdout=None, steps: list[str] | None = None) -> DemoContext:
    """Run every step (or the first ones, `steps`) in its own transaction; each step's lines (and its
    time) go to `stdout` if given."""
    ctx = DemoContext(scale=scale, seed=seed)
    for step in STEPS if steps is None else steps:
        began = time.perf_counter()
        with transaction.atomic():
            import_module(step).build(ctx)
        ctx.timings[step] = time.perf_counter() - began
        lines = ctx.log or [step.rsplit(".", 1)[-1]]
        lines[-1] += f" [{ctx.timings[step]:.1f} s]"
        if stdout is not None:
            stdout.write("".join(f"{line}\n" for line in lines))
        ctx.log = []
    return ctx
