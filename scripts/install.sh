#!/usr/bin/env bash
# Installs snapshotter from this checkout: exact dependencies (npm ci), the build, and with --link a global
# `snapshotter` command (npm link). Then prints the next steps (config, schedule).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh [--link]

  --link   also make `snapshotter` a global command (npm link; may need root)
USAGE
}

link=false
while [[ $# -gt 0 ]]; do
  case $1 in
    --link) link=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "install.sh: unknown option: $1" >&2; exit 64 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

command -v node >/dev/null || { echo "install.sh: node not found (Node >= 20.19 needed)" >&2; exit 1; }
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`install.sh: Node ${process.versions.node} found, snapshotter needs >= 20.19`);
    process.exit(1);
  }
'

echo "install.sh: installing dependencies (npm ci)" >&2
npm ci --no-audit --no-fund
echo "install.sh: building" >&2
npm run build
node bin/snapshotter.js --version >/dev/null

if [[ $link == true ]]; then
  echo "install.sh: linking the global snapshotter command (npm link)" >&2
  npm link --no-audit --no-fund
fi

cat >&2 <<NEXT
install.sh: done. Next steps:
  1. write /etc/snapshotter/snapshotter.yaml (see $root/config/snapshotter.full.yaml), then
     node $root/bin/snapshotter.js config check -c /etc/snapshotter/snapshotter.yaml
  2. schedule it, either with cron:
     $root/scripts/setup-cron.sh --config /etc/snapshotter/snapshotter.yaml
     or with systemd: $root/contrib/systemd/ (see README, "Scheduling")
NEXT
