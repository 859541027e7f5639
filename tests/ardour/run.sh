#!/bin/sh
# Headless end-to-end test of the SysEx Vault VST3 inside Ardour 7 (ardour7-lua, dummy backend).
#
# usage: run.sh PLUGIN_SO WORK_DIR [SYSEX_VAULT_BIN]
#
#   PLUGIN_SO        the built plugin (target/{debug,release}/libsysex_vault.so)
#   WORK_DIR         an existing or creatable directory; a private temp dir is made inside it
#                    and removed on exit (keep it with SXV_ARDOUR_KEEP=1)
#   SYSEX_VAULT_BIN  the `sysex-vault` CLI (default: $SYSEX_VAULT_BIN, else next to PLUGIN_SO)
#
# Steps: private VST3 bundle + HOME/XDG dirs -> ardour-vst3-scanner -> (create) new session,
# MIDI track with [probe] -> SysEx Vault -> [probe], "Always Capture" on, 3 SysEx messages via
# Ardour's x-virtual-keyboard port, save -> `sysex-vault extract`, compare with what was sent ->
# (reload) load the session in a fresh ardour7-lua, count the plugin's MIDI output, re-save ->
# extract again, compare.
#
# Output: "RESULT key=value" lines on stdout (value = rest of the line), diagnostics on stderr.
# The last line is "RESULT status=pass" (exit 0), "RESULT status=fail" (exit 1) or
# "RESULT status=skip" (exit 77: Ardour 7 not installed).
#
# Opening a saved session instead (SXV_ARDOUR_OPEN=SESSION_DIR SXV_ARDOUR_EXPECT=SYX): the
# session folder (holding sxv.ardour, e.g. one saved by an older build) is copied and used in
# place of the create step, and SYX is what its library must extract to (the messages in order).
# After the reload, "resaved_chunk_changed" says whether the plugin's state chunk in the re-saved
# session differs from the opened one (it does when today's plugin wrote it, not a stand-in that
# kept the old XML), and SXV_ARDOUR_SAVED=FILE gets a copy of the re-saved sxv.ardour.
#
# Environment overrides: ARDOUR_LUA (ardour7-lua), ARDOUR_LIB_DIR (/usr/lib/ardour7),
# ARDOUR_VST3_SCANNER ($ARDOUR_LIB_DIR/ardour-vst3-scanner), SXV_ARDOUR_TIMEOUT (seconds per
# Ardour process, default 45).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ARDOUR_LUA=${ARDOUR_LUA:-ardour7-lua}
ARDOUR_LIB_DIR=${ARDOUR_LIB_DIR:-/usr/lib/ardour7}
ARDOUR_VST3_SCANNER=${ARDOUR_VST3_SCANNER:-$ARDOUR_LIB_DIR/ardour-vst3-scanner}
STEP_TIMEOUT=${SXV_ARDOUR_TIMEOUT:-45}
BUNDLE_NAME="SysEx Vault"

result() { echo "RESULT $1=$2"; }
now_ms() { date +%s%3N; }

STEP=args
T=
cleanup() {
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "${SXV_ARDOUR_KEEP:-0}" = 1 ]; then
			echo "run.sh: kept $T" >&2
		else
			rm -rf "$T"
		fi
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "run.sh: step '$STEP' failed: $*" >&2
	for f in "$T"/*.out "$T"/*.err; do
		[ -f "$f" ] || continue
		echo "----- $f (last 40 lines)" >&2
		grep -v 'call.slot' "$f" | tail -n 40 >&2
	done
	result failed_step "$STEP"
	result failure "$*"
	result status fail
	exit 1
}

skip() {
	echo "run.sh: skipped: $*" >&2
	result skip_reason "$*"
	result status skip
	exit 77
}

[ $# -ge 2 ] || { echo "usage: $0 PLUGIN_SO WORK_DIR [SYSEX_VAULT_BIN]" >&2; exit 2; }
PLUGIN_SO=$1
WORK_DIR=$2
SXV=${3:-${SYSEX_VAULT_BIN:-$(dirname "$PLUGIN_SO")/sysex-vault}}

command -v "$ARDOUR_LUA" >/dev/null 2>&1 || skip "$ARDOUR_LUA not found"
[ -x "$ARDOUR_VST3_SCANNER" ] || skip "$ARDOUR_VST3_SCANNER not found"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found"
[ -f "$PLUGIN_SO" ] || fail "plugin not found: $PLUGIN_SO"
[ -x "$SXV" ] || fail "sysex-vault CLI not found: $SXV"

mkdir -p "$WORK_DIR" || fail "cannot create $WORK_DIR"
T=$(mktemp -d "$WORK_DIR/ardour-e2e.XXXXXX") || fail "mktemp failed"
T=$(cd "$T" && pwd)
T0=$(now_ms)

# ---------------------------------------------------------------- private environment
STEP=setup
# Nothing below may touch the real user's ~/.config/ardour7, ~/.cache/ardour7 or ~/.vst3.
export HOME="$T/home"
export XDG_CONFIG_HOME="$T/config"
export XDG_CACHE_HOME="$T/cache"
export XDG_DATA_HOME="$T/data"
export XDG_STATE_HOME="$T/state"
# VST3_PATH is added to Ardour's VST3 search path (~/.vst3:/usr/local/lib/vst3:/usr/lib/vst3)
# when the config has no plugin-path-vst3 (a fresh config dir).
export VST3_PATH="$T/vst3"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/ardour7/scripts" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" \
	"$XDG_STATE_HOME" || fail "mkdir"
# ardour7-lua selects "None (Dummy)" itself (AudioEngine::set_backend ignores this option);
# unhiding it only makes it show in AudioEngine:available_backends().
cat >"$XDG_CONFIG_HOME/ardour7/config" <<'EOF' || fail "cannot write config"
<?xml version="1.0" encoding="UTF-8"?>
<Ardour>
  <Config>
    <Option name="hide-dummy-backend" value="0"/>
  </Config>
</Ardour>
EOF
# Lua DSP scripts are found by name in $XDG_CONFIG_HOME/ardour7/scripts.
cp "$HERE/sxv_probe.lua" "$XDG_CONFIG_HOME/ardour7/scripts/" || fail "cannot install probe"

# The bundle gets a copy of the .so (not a link: Ardour accepts the scanner's cache only if
# the module's mtime is strictly older than the cache file's, so the copy is back-dated).
BUNDLE="$VST3_PATH/$BUNDLE_NAME.vst3"
MODULE="$BUNDLE/Contents/x86_64-linux/$BUNDLE_NAME.so"
mkdir -p "$(dirname "$MODULE")" || fail "mkdir bundle"
cp "$PLUGIN_SO" "$MODULE" || fail "cannot copy plugin"
touch -d '2000-01-01 00:00:00' "$MODULE" || fail "touch"
result bundle "$BUNDLE"
# which build was tested (the source .so may be rebuilt while this runs)
command -v sha256sum >/dev/null 2>&1 && result plugin_sha256 "$(sha256sum "$MODULE" | cut -d ' ' -f 1)"
result plugin_mtime "$(date -u -r "$PLUGIN_SO" +%Y-%m-%dT%H:%M:%SZ)"

# ---------------------------------------------------------------- VST3 scan
STEP=scan
t=$(now_ms)
LD_LIBRARY_PATH="$ARDOUR_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
	timeout -k 5 30 "$ARDOUR_VST3_SCANNER" -f "$BUNDLE" </dev/null >"$T/scan.out" 2>"$T/scan.err" \
	|| fail "ardour-vst3-scanner exited with $?"
result scan_ms $(($(now_ms) - t))
# It writes $XDG_CACHE_HOME/ardour7/vst/<sha1 of module path>.v3i (XML <VST3Cache><VST3Info>).
CACHE=$(grep -l 'uid="53797345785661756C7450617463687A"' "$XDG_CACHE_HOME"/ardour7/vst/*.v3i 2>/dev/null | head -n 1)
[ -n "$CACHE" ] || fail "scanner wrote no cache entry for SysEx Vault"
result scan_cache "$CACHE"
result scan_info "$(grep -o '<VST3Info [^>]*' "$CACHE" | sed 's/^<VST3Info //')"

# ---------------------------------------------------------------- Ardour runs
# run_lua NAME ARGS...: one fresh ardour7-lua process running session.lua, RESULT keys
# prefixed with NAME_.
run_lua() {
	name=$1
	shift
	t=$(now_ms)
	(cd "$T" && timeout -k 5 "$STEP_TIMEOUT" "$ARDOUR_LUA" "$HERE/session.lua" "$@") \
		</dev/null >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	sed -n "s/^RESULT /RESULT ${name}_/p" "$T/$name.out"
	result "${name}_process_ms" $(($(now_ms) - t))
	# printed by nice-plug's VST3 wrapper when more events arrive in one block than it reserved
	result "${name}_input_event_buffer_warnings" "$(grep -c 'Input event buffer filled up' "$T/$name.err")"
	result "${name}_input_note_event_buffer_warnings" "$(grep -c 'Input note event buffer filled up' "$T/$name.err")"
	result "${name}_ardour_errors" "$(grep -c '^\[ERROR\]' "$T/$name.out")"
	[ $rc -eq 0 ] || fail "ardour7-lua $1 exited with $rc$( [ $rc -ge 124 ] && echo ' (timeout)')"
}

# extract_check NAME: sysex-vault extract, then the .syx files (in name order) must be
# byte-identical to what the create run sent.
extract_check() {
	name=$1
	t=$(now_ms)
	timeout -k 5 30 "$SXV" extract "$SESSION/sxv.ardour" "$T/$name" >"$T/$name.out" 2>"$T/$name.err" \
		|| fail "sysex-vault extract exited with $?"
	result "${name}_ms" $(($(now_ms) - t))
	find "$T/$name" -type f -name '*.syx' | LC_ALL=C sort >"$T/$name.list"
	result "${name}_syx_files" "$(wc -l <"$T/$name.list" | tr -d ' ')"
	: >"$T/$name.syx"
	while IFS= read -r f; do cat "$f" >>"$T/$name.syx"; done <"$T/$name.list"
	result "${name}_bytes" "$(wc -c <"$T/$name.syx" | tr -d ' ')"
	if cmp -s "$T/$name.syx" "$T/sent.syx"; then
		result "${name}_identical" 1
	else
		result "${name}_identical" 0
		fail "extracted SysEx differs from what was sent"
	fi
}

SESSION="$T/session"

if [ -n "${SXV_ARDOUR_OPEN:-}" ]; then
	STEP=open
	[ -f "$SXV_ARDOUR_OPEN/sxv.ardour" ] || fail "no sxv.ardour in $SXV_ARDOUR_OPEN"
	[ -f "${SXV_ARDOUR_EXPECT:-}" ] || fail "SXV_ARDOUR_EXPECT must name the expected .syx"
	cp -R "$SXV_ARDOUR_OPEN" "$SESSION" || fail "cannot copy the session"
	chmod -R u+w "$SESSION" || fail "chmod"
	cp "$SXV_ARDOUR_EXPECT" "$T/sent.syx" || fail "cannot copy the expected SysEx"
	result opened "$SXV_ARDOUR_OPEN"
else
	STEP=create
	run_lua create create "$SESSION" "$T/sent.syx"
fi
[ -f "$SESSION/sxv.ardour" ] || fail "no session file"
grep -q '<Processor [^>]*name="SysEx Vault"[^>]*type="vst3"' "$SESSION/sxv.ardour" \
	|| fail "no SysEx Vault VST3 processor in the session"

STEP=extract1
extract_check extract1

STEP=reload
run_lua reload reload "$SESSION"

if [ -n "${SXV_ARDOUR_OPEN:-}" ]; then
	if [ "$(grep -o '<chunk>[^<]*' "$SESSION/sxv.ardour")" = "$(grep -o '<chunk>[^<]*' "$SXV_ARDOUR_OPEN/sxv.ardour")" ]; then
		result resaved_chunk_changed 0
	else
		result resaved_chunk_changed 1
	fi
	if [ -n "${SXV_ARDOUR_SAVED:-}" ]; then
		cp "$SESSION/sxv.ardour" "$SXV_ARDOUR_SAVED" || fail "cannot copy the re-saved session"
	fi
fi

STEP=extract2
extract_check extract2
if diff -r "$T/extract1" "$T/extract2" >/dev/null 2>&1; then
	result library_unchanged_after_reload 1
else
	result library_unchanged_after_reload 0
	fail "extracted files differ before and after the reload"
fi

STEP=done
result total_ms $(($(now_ms) - T0))
result status pass
exit 0
