"""Accuracy of the SDG suggester (urbis.awards.sdg_suggest) on a public labelled data set.

Data: the SDG Classification Benchmark (PyPI package `sdgclassification-benchmark`, MIT licence):
1,251 expert-labelled (text, SDG, relevant?) rows. A text is counted once per SDG it is labelled
relevant to (616 positive pairs); top-k accuracy = share of positive pairs whose SDG is among the
suggester's top k. The suggester was not trained or tuned on this data.

Run: .venv/bin/python bench/sdg_suggestions.py
"""

import time

from sdgclassification.benchmark.load_benchmark_df import load_benchmark_df

from urbis.awards.sdg_suggest import scores


def main() -> None:
    df = load_benchmark_df()
    positives = df[df["label"]]
    started = time.perf_counter()
    hits = {1: 0, 3: 0, 5: 0}
    per_goal: dict[int, list[int]] = {}
    for text, sdg in zip(positives["text"], positives["sdg"], strict=True):
        ranked = [n for n, _v in sorted(scores(text).items(), key=lambda item: (-item[1], item[0]))]
        for k in hits:
            hits[k] += int(sdg) in ranked[:k]
        per_goal.setdefault(int(sdg), []).append(int(int(sdg) in ranked[:3]))
    elapsed = time.perf_counter() - started
    n = len(positives)
    print(f"data set: sdgclassification-benchmark, {len(df)} rows, {n} positive (text, SDG) pairs")
    for k, h in hits.items():
        print(f"top-{k} accuracy: {h / n:.1%} ({h}/{n})")
    print("top-3 by goal: " + ", ".join(f"{g}: {sum(v) / len(v):.0%}" for g, v in sorted(per_goal.items())))
    print(f"time: {elapsed:.2f} s ({1000 * elapsed / n:.1f} ms per text)")


if __name__ == "__main__":
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
