"""Run the benchmarks by hand: ``python -m benchmarks.run [store|projections|export|all] [--small]``.

Prints markdown tables with the machine and date, ready for the README.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .machine import describe


def _load() -> str:
    import os

    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    """Parse arguments and run the chosen benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "which", nargs="?", default="all", choices=["store", "projections", "export", "all"]
    )
    parser.add_argument("--small", action="store_true", help="10x smaller sizes (a quick check)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put the journals")
    parser.add_argument(
        "--sizes",
        type=lambda v: [int(x) for x in v.split(",")],
        default=None,
        help="projection journal sizes, e.g. 100000,1000000,5000000",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="an older source tree (git archive main | tar -x -C DIR): its CLI is timed too",
    )
    args = parser.parse_args()
    scale = 10 if args.small else 1
    print(f"Machine: {describe(args.workdir or Path('.'))}; load average {_load()}\n")
    if args.which in ("store", "all"):
        from . import store_bench

        print("### Store\n")
        print(store_bench.run(args.workdir, 2000 // scale, 200_000 // scale, 1_000_000 // scale))
        print()
    if args.which in ("projections", "all"):
        try:
            from . import projections_bench
        except ImportError as exc:  # written with the projections issue
            print(f"(projections benchmark not available: {exc})")
        else:
            print("### Projections\n")
            print(
                projections_bench.run(
                    args.workdir, small=args.small, sizes=args.sizes, baseline_src=args.baseline_src
                )
            )
    if args.which in ("export", "all"):
        from . import export_bench

        print("\n### Snapshot export\n")
        print(export_bench.run(args.workdir, days=20 // scale))


if __name__ == "__main__":
    main()
