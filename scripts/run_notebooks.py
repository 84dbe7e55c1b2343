"""Entry point: execute the notebooks declared in notebooks/runs.yml with papermill.

    python scripts/run_notebooks.py            # only what changed, one job per core
    python scripts/run_notebooks.py --force    # everything
    python scripts/run_notebooks.py --only profile-report
"""

from sonla.build.runner import main

if __name__ == "__main__":
    raise SystemExit(main())
