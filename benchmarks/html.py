"""The HTML report at any size: its bytes, its elements, and the time to its first
screenshot in headless Chromium.

    .venv/bin/python benchmarks/html.py [--sizes 10000] [--out benchmarks/out]

For each size, generates the inventory (benchmarks/generate.py, kept between runs), writes
``sovcheck audit --format html -o FILE`` in a fresh process, then opens the file in
Debian's headless Chromium (driven by selenium, as the browser test does) and measures,
in one run:

* the file's size (target: at most 5 MB);
* the number of elements of the rendered document, ``document.getElementsByTagName('*')``
  (target: at most 50,000);
* the wall time from the navigation to the first screenshot written (target: at most 3 s;
  the median of ``--repeat`` loads, 3 by default, as the machine is shared), and, for scale, the same for an empty page in the same browser: the ratio says how much
  the report costs over the browser's own floor.

Wall times on a shared machine move with its load; the two screenshots are taken one
after the other in one browser so that both see the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

ROOT = HERE.parent
MAX_BYTES = 5_000_000
MAX_ELEMENTS = 50_000
MAX_SECONDS = 3.0


def _browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--hide-scrollbars",
        "--window-size=1280,1800",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(
        service=Service(executable_path="/usr/bin/chromedriver"), options=options
    )


def _first_screenshot(driver: Any, page: Path, shot: Path, repeat: int = 1) -> float:
    """The median over ``repeat`` loads of the time from navigation to a screenshot."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        driver.get(page.as_uri())
        driver.save_screenshot(str(shot))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page, median kept")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    empty = args.out / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body></body></html>\n", encoding="utf-8")
    driver = _browser(args.out / "chromium-profile")
    failed = False
    try:
        _first_screenshot(driver, empty, args.out / "empty.png")  # warm the browser up
        for size in (int(s) for s in args.sizes.split(",")):
            inventory = args.out / f"inventory-{size}.json"
            if not inventory.exists():
                generate(size, args.out)
            page = args.out / f"report-{size}.html"
            start = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "sovcheck",
                    "audit",
                    str(inventory),
                    "--format",
                    "html",
                    "-o",
                    str(page),
                    "--quiet",
                ],
                cwd=ROOT,
                check=False,
            )
            render = time.perf_counter() - start
            if done.returncode not in (0, 1):
                raise SystemExit(f"sovcheck audit exited with {done.returncode}")
            floor = _first_screenshot(driver, empty, args.out / "empty.png", args.repeat)
            seconds = _first_screenshot(driver, page, args.out / f"report-{size}.png", args.repeat)
            elements = driver.execute_script("return document.getElementsByTagName('*').length")
            size_bytes = page.stat().st_size
            checks = [
                ("size", size_bytes / MAX_BYTES, f"{size_bytes / 1e6:.2f} MB (≤ 5 MB)"),
                ("elements", elements / MAX_ELEMENTS, f"{elements:,} (≤ {MAX_ELEMENTS:,})"),
                ("first screenshot", seconds / MAX_SECONDS, f"{seconds:.2f} s (≤ 3 s)"),
            ]
            print(f"{size:,} components: audit --format html {render:.2f} s wall")
            for name, ratio, said in checks:
                verdict = "ok" if ratio <= 1 else "OVER"
                failed |= ratio > 1
                print(f"  {name:17} {said:28} {ratio:5.2f} x target  {verdict}")
            print(
                f"  empty page        {floor:.2f} s; report / empty page = {seconds / floor:.1f} x"
            )
    finally:
        driver.quit()
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
