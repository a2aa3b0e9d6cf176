#!/usr/bin/env bash
# Installs snapshotter on a server from this checkout: build once (npm ci runs the `prepare` build), pack the
# package (`npm pack`, without building again), and install the packed package with only its runtime
# dependencies, at the exact versions of the lock file: no compiler, test runner, linter or Prism on a server.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh [--prefix DIR] [--from-build] [--offline]

  --prefix DIR     install into DIR/lib/snapshotter and DIR/bin/snapshotter (default: npm's global prefix)
  --from-build     reuse this checkout's existing build (dist/) instead of running npm ci
  --offline        install the runtime dependencies from npm's cache only (no registry access)
USAGE
}

prefix=''
from_build=false
offline=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --prefix)
      [[ $# -ge 2 ]] || { usage >&2; echo "install.sh: --prefix needs a folder" >&2; exit 64; }
      prefix=$2; shift 2 ;;
    --from-build) from_build=true; shift ;;
    --offline) offline=(--offline); shift ;;
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

if [[ $from_build == true ]]; then
  [[ -f dist/cli.js ]] || { echo "install.sh: --from-build: no build in $root/dist (run npm ci first)" >&2; exit 1; }
else
  echo "install.sh: installing build dependencies and building (npm ci)" >&2
  npm ci --no-audit --no-fund
fi

echo "install.sh: packing (npm pack)" >&2
pack_dir=$(mktemp -d)
trap 'rm -rf "$pack_dir"' EXIT
# --ignore-scripts: the build above is the one that is packed; `prepare` would build a second time.
tarball=$(npm pack --ignore-scripts --silent --pack-destination "$pack_dir" | tail -n 1)
tarball="$pack_dir/$tarball"

[[ -n $prefix ]] || prefix=$(npm prefix --global)
lib="$prefix/lib/snapshotter"
bin_dir="$prefix/bin"
mkdir -p "$prefix/lib" "$bin_dir"
stage=$(mktemp -d "$prefix/lib/.snapshotter-new.XXXXXX")
old="$prefix/lib/.snapshotter-old.$$"
echo "install.sh: installing ${tarball##*/} into $lib with its runtime dependencies only" >&2
tar -xzf "$tarball" -C "$stage" --strip-components=1
# npm never packs package-lock.json: the checkout's lock file pins the server's dependencies.
cp package-lock.json "$stage/"
# npm ci against the lock file: the exact versions that were tested, no dev dependency, no build.
(cd "$stage" && npm ci --omit=dev --ignore-scripts "${offline[@]}" --no-audit --no-fund --loglevel=error)
"$stage/bin/snapshotter.js" --version >/dev/null
# Swap the new install in; a run that started from the old one keeps its files until it ends.
[[ -e $lib ]] && mv "$lib" "$old"
mv "$stage" "$lib"
rm -rf "$old"
ln -sfn "$lib/bin/snapshotter.js" "$bin_dir/snapshotter"
"$bin_dir/snapshotter" --version >/dev/null

cat >&2 <<NEXT
install.sh: done: $bin_dir/snapshotter. Next steps:
  1. write /etc/snapshotter/snapshotter.yaml (see $root/config/snapshotter.full.yaml), then
     $bin_dir/snapshotter config check -c /etc/snapshotter/snapshotter.yaml
  2. schedule it, either with cron:
     $root/scripts/setup-cron.sh --config /etc/snapshotter/snapshotter.yaml --bin $bin_dir/snapshotter
     or with systemd: $root/contrib/systemd/ (see README, "Scheduling")
NEXT
