#!/bin/sh
# The Ansible collection (ansible/ansible_collections/vpstune/vpstune) run by
# Debian 12's ansible-core against localhost, as root, on objects made for
# the test (t2009-apply-objects.sh: a loop device's queue, a loop-backed
# btrfs, a hot-added zram swap, two sysctls restored in the trap):
# --check changes nothing and shows the diff, applied changes once and then
# not again, rolled_back gives the machine back exactly, the role writes
# static facts that fact gathering then reads. ansible-lint (production
# profile) accepts the collection.
. "$SRCDIR/tests/lib.sh"
test_require_root
command -v ansible-playbook >/dev/null 2>&1 || { echo "1..0 # SKIP ansible-core not installed (scripts/deps.sh check)"; exit 0; }
. "$SRCDIR/tests/root/t2009-apply-objects.sh"

# Ansible insists on a UTF-8 locale (tests/lib.sh sets C).
export LC_ALL=C.UTF-8 LANG=C.UTF-8
export ANSIBLE_COLLECTIONS_PATH="$SRCDIR/ansible" ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 \
	ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_LOCAL_TEMP="$TEST_TMP/ansible-tmp" ANSIBLE_REMOTE_TEMP="$TEST_TMP/ansible-tmp" \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
snapshot >"$TEST_TMP/orig.state"
FACTS=$TEST_TMP/facts.d
STAGE=$TEST_TMP/persist

cat >"$TEST_TMP/module.yml" <<'EOF'
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the vpstune module
      vpstune.vpstune.vpstune:
        profile: "{{ prof }}"
        state: "{{ want }}"
        executable: "{{ exe }}"
        state_dir: "{{ sd }}"
        persist_targets: [sysctl, udev]
        persist_dir: "{{ stage }}"
      register: r
    - name: Keep the result for the test (also in check mode)
      ansible.builtin.copy:
        content: "{{ r | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
      check_mode: false
EOF

# One playbook run; the module's result (JSON) in $1.json. $2 = state,
# further arguments go to ansible-playbook.
play() {
	out=$1 want=$2; shift 2
	ansible-playbook -i localhost, -c local "$TEST_TMP/module.yml" \
		-e "prof=$PROF want=$want exe=$VPSTUNE sd=$ST stage=$STAGE out=$PWD/$out.json" "$@" >"$out.log" 2>&1
	rc=$?
	# What went wrong, in the test log.
	[ $rc -eq 0 ] || tail -n 20 "$out.log" >&2
	return $rc
}
# A field of the module's result.
field() { jq -r ".$2" "$1.json"; }

test_expect_success '--check --diff: reports the changes and the knob=value diff, changes nothing' '
	play check applied --check --diff &&
	test "$(field check changed)" = true &&
	test "$(field check "changes | length")" -ge 10 &&
	field check "diff.after" | grep -qx "sysctl:vm.vfs_cache_pressure=$new_vfs" &&
	field check "diff.before" | grep -qx "sysctl:vm.vfs_cache_pressure=$orig_vfs" &&
	field check "diff.after" | grep -qx "block:$D:scheduler=$new_sched" &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now &&
	! test -e "$ST" && ! test -e "$STAGE"
'

test_expect_success 'applied: changed, every knob in effect, persistent files installed' '
	play apply1 applied &&
	test "$(field apply1 changed)" = true &&
	test "$(field apply1 summary.drift)" = 0 &&
	test "$(cat /proc/sys/vm/vfs_cache_pressure)" = "$new_vfs" &&
	grep -q "\[$new_sched\]" /sys/block/$D/queue/scheduler &&
	grep -q "^vm.vfs_cache_pressure = $new_vfs" "$STAGE/etc/sysctl.d/60-vpstune.conf" &&
	test -s "$STAGE/etc/udev/rules.d/60-vpstune.rules"
'

test_expect_success 'applied again: not changed (idempotent), no new transaction' '
	"$VPSTUNE" --state-dir "$ST" rollback --list --json >before.json &&
	play apply2 applied &&
	test "$(field apply2 changed)" = false &&
	"$VPSTUNE" --state-dir "$ST" rollback --list --json >after.json &&
	test_cmp before.json after.json
'

test_expect_success 'verified: ok while in effect, fails on drift' '
	play verify1 verified &&
	test "$(field verify1 failed)" != true &&
	echo "$orig_vfs" >/proc/sys/vm/vfs_cache_pressure &&
	test_must_fail play verify2 verified 2>/dev/null &&
	grep -q "tunings are not in effect: .*sysctl:vm.vfs_cache_pressure" verify2.log &&
	echo "$new_vfs" >/proc/sys/vm/vfs_cache_pressure
'

test_expect_success 'rolled_back: the machine exactly as before; again: not changed' '
	play rb1 rolled_back &&
	test "$(field rb1 changed)" = true &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now &&
	play rb2 rolled_back &&
	test "$(field rb2 changed)" = false
'

test_expect_success 'the role writes static facts that ansible_local.vpstune reads' '
	cat >role.yml <<-EOF &&
	- hosts: localhost
	  gather_facts: false
	  roles:
	    - role: vpstune.vpstune.vpstune
	      vars:
	        vpstune_install: none
	        vpstune_timers: false
	        vpstune_profile: "$PROF"
	        vpstune_executable: "$VPSTUNE"
	        vpstune_state_dir: "$ST"
	        vpstune_persist_targets: []
	        vpstune_facts_dir: "$FACTS"
	        vpstune_facts_script: "$TEST_TMP/vpstune-ansible-facts"
	  post_tasks:
	    - name: Read the local facts
	      ansible.builtin.setup:
	        fact_path: "$FACTS"
	        filter: ansible_local
	    - name: Keep them for the test
	      ansible.builtin.copy:
	        content: "{{ ansible_local | to_json }}"
	        dest: "$PWD/local.json"
	        mode: "0600"
	EOF
	{ ansible-playbook -i localhost, -c local role.yml >role.log 2>&1 || { tail -n 20 role.log; false; }; } &&
	jq -e ".vpstune.profile == \"$PROF\"" local.json &&
	jq -e ".vpstune.verify.drift == 0" local.json &&
	jq -e ".vpstune.version != null" local.json &&
	test "$(stat -c %a "$FACTS/vpstune.fact")" = 644 &&
	! test -x "$FACTS/vpstune.fact" &&
	"$VPSTUNE" --state-dir "$ST" rollback >/dev/null &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

if command -v ansible-lint >/dev/null 2>&1; then
	test_expect_success 'ansible-lint --profile production accepts the collection' '
		(cd "$SRCDIR/ansible/ansible_collections/vpstune/vpstune" &&
			HOME="$TEST_TMP" ansible-lint --offline --profile production --nocolor . ) >lint 2>&1;
		rc=$?; cat lint; test $rc -eq 0
	'
fi

test_done
