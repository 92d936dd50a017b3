"""Copy the pinned npm libraries listed in package.json's "urbisVendor" into urbis/static/vendor/."""

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    manifest = json.loads((ROOT / "package.json").read_text())["urbisVendor"]
    target = ROOT / "urbis" / "static" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, source in manifest.items():
        path = ROOT / "node_modules" / source
        if not path.exists():
            missing.append(source)
            continue
        if not (target / name).exists() or (target / name).stat().st_mtime < path.stat().st_mtime:
            shutil.copyfile(path, target / name)
    if missing:
        print("Missing npm files (run npm ci):", ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
