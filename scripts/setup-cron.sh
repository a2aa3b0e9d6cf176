#!/usr/bin/env bash
# Installs (or prints, or removes) the crontab entry that runs `snapshotter run` on a schedule.
# The entry sits between two marker comments, so running this again replaces it instead of adding a second one.
# No flock: snapshotter holds its own run lock (a second run exits 3 at once).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: setup-cron.sh [--config FILE] [--schedule "CRON EXPR"] [--log FILE] [--user USER]
                     [--node PATH] [--bin PATH] [--print | --remove]

  --config FILE      snapshotter config (default: /etc/snapshotter/snapshotter.yaml)
  --schedule EXPR    five cron fields or @daily/@hourly/... (default: "17 3 * * *", 03:17 every day)
  --log FILE         output of each run is appended here (default: /var/log/snapshotter/cron.log)
  --user USER        edit USER's crontab (crontab -u USER; needs root) instead of your own
  --node PATH        node binary (default: the node on PATH, resolved to an absolute path)
  --bin PATH         bin/snapshotter.js (default: the one beside this script)
  --print            print the entry and change nothing
  --remove           remove the entry (nothing else in the crontab is touched)
USAGE
}

BEGIN_MARK='# BEGIN snapshotter (managed by setup-cron.sh; edits between these lines are replaced)'
END_MARK='# END snapshotter'

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
config=/etc/snapshotter/snapshotter.yaml
schedule='17 3 * * *'
log=/var/log/snapshotter/cron.log
user=''
node=''
bin="$script_dir/../bin/snapshotter.js"
mode=install

die() { echo "setup-cron.sh: $*" >&2; exit 1; }
need_value() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --config) need_value "$@"; config=$2; shift 2 ;;
    --schedule) need_value "$@"; schedule=$2; shift 2 ;;
    --log) need_value "$@"; log=$2; shift 2 ;;
    --user) need_value "$@"; user=$2; shift 2 ;;
    --node) need_value "$@"; node=$2; shift 2 ;;
    --bin) need_value "$@"; bin=$2; shift 2 ;;
    --print) mode=print; shift ;;
    --remove) mode=remove; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

# An absolute path without following the last symlink (a config or log may be a link on purpose).
absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}

# Quotes a word for the shell that cron starts; `%` is special to cron and must be escaped.
cron_word() {
  local word=$1
  [[ $word != *$'\n'* && $word != *"'"* ]] || die "unsupported character (quote or newline) in: $word"
  if [[ $word =~ ^[A-Za-z0-9_./:@+,=-]+$ ]]; then printf '%s' "$word"; else printf "'%s'" "$word"; fi | sed 's/%/\\%/g'
}

valid_schedule() {
  local fields
  if [[ $1 == @* ]]; then
    [[ $1 =~ ^@(reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)$ ]]
    return
  fi
  read -r -a fields <<<"$1"
  [[ ${#fields[@]} -eq 5 ]] || return 1
  local f
  for f in "${fields[@]}"; do [[ $f =~ ^[A-Za-z0-9*/,-]+$ ]] || return 1; done
}

crontab_args=()
whose='your crontab'
if [[ -n $user ]]; then crontab_args=(-u "$user"); whose="the crontab of $user"; fi

current_crontab() {
  # `crontab -l` fails when there is no crontab yet: that is an empty one.
  crontab "${crontab_args[@]}" -l 2>/dev/null || true
}

without_entry() {
  awk -v begin="$BEGIN_MARK" -v end="$END_MARK" '
    $0 == begin { skip = 1; next }
    skip && $0 == end { skip = 0; next }
    !skip { print }
  '
}

if [[ $mode == remove ]]; then
  command -v crontab >/dev/null || die "crontab not found (install the cron package)"
  rest=$(current_crontab | without_entry | sed '/./,$!d')
  if [[ -z ${rest//[$'\n\t ']/} ]]; then
    # Nothing else was in it: remove the crontab rather than leave an empty one.
    crontab "${crontab_args[@]}" -r 2>/dev/null || true
  else
    printf '%s\n' "$rest" | crontab "${crontab_args[@]}" -
  fi
  echo "setup-cron.sh: removed the snapshotter entry from $whose" >&2
  exit 0
fi

valid_schedule "$schedule" || die "invalid --schedule \"$schedule\": five cron fields (e.g. \"17 3 * * *\") or @daily"
if [[ -z $node ]]; then node=$(command -v node) || die "node not found on PATH; pass --node /path/to/node"; fi
node=$(absolute "$node")
[[ -x $node ]] || die "node is not executable: $node"
bin=$(cd "$(dirname "$bin")" 2>/dev/null && pwd)/$(basename "$bin") || die "snapshotter bin not found: $bin"
[[ -f $bin ]] || die "snapshotter bin not found: $bin"
config=$(absolute "$config")
log=$(absolute "$log")
[[ -f $config || $mode == print ]] || echo "setup-cron.sh: warning: $config does not exist yet" >&2

line="$schedule $(cron_word "$node") $(cron_word "$bin") run -c $(cron_word "$config") >>$(cron_word "$log") 2>&1"
entry=$(printf '%s\n%s\n%s' "$BEGIN_MARK" "$line" "$END_MARK")

if [[ $mode == print ]]; then
  printf '%s\n' "$entry"
  exit 0
fi

command -v crontab >/dev/null || die "crontab not found (install the cron package)"
log_dir=$(dirname "$log")
if [[ ! -d $log_dir ]]; then
  mkdir -p "$log_dir"
  # The runs write their output as that user.
  if [[ -n $user ]]; then chown "$user" "$log_dir"; fi
fi
rest=$(current_crontab | without_entry | sed '/./,$!d')
{
  if [[ -n $rest ]]; then printf '%s\n' "$rest"; fi
  printf '%s\n' "$entry"
} | crontab "${crontab_args[@]}" -
echo "setup-cron.sh: installed in $whose:" >&2
printf '%s\n' "$line" >&2
